"""Emergency signs and the session timeline, with the guide's thresholds."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sessions.livelog.rules import Reading, booster_window, emergency_signs, phase, water_in_first_hours

T0 = datetime(2027, 4, 1, 9, 0, tzinfo=ZoneInfo("UTC"))


def at(minutes, **kw):
    return Reading(at=T0 + timedelta(minutes=minutes), **kw)


@pytest.mark.parametrize("temp,alert", [("38.5", False), ("38.6", True), ("37.2", False)])
def test_temperature_above_38_5(temp, alert):
    assert bool(emergency_signs([at(0, temperature_c=Decimal(temp))], [])) is alert


@pytest.mark.parametrize("first,second,alert", [((120, 80), (150, 80), False), ((120, 80), (151, 80), True),
                                                ((150, 80), (119, 80), True), ((180, 110), (180, 110), False),
                                                ((181, 90), (181, 90), True), ((170, 111), (170, 111), True)])
def test_blood_pressure(first, second, alert):
    readings = [at(0, systolic=first[0], diastolic=first[1]), at(15, systolic=second[0], diastolic=second[1])]
    assert bool(emergency_signs(readings, [])) is alert


@pytest.mark.parametrize("hr1,hr2,alert", [(80, 105, False), (80, 106, True), (110, 84, True)])
def test_heart_rate_jumps_between_consecutive_readings(hr1, hr2, alert):
    assert bool(emergency_signs([at(10, heart_rate=hr2), at(0, heart_rate=hr1)], [])) is alert


@pytest.mark.parametrize("effect,alert", [("jaw_clenching", False), ("chest_pain", False), ("chest_pain_severe", True),
                                          ("seizure", True), ("rigidity", True), ("delirium", True)])
def test_adverse_effects_that_are_emergencies(effect, alert):
    assert bool(emergency_signs([], [effect])) is alert


@pytest.mark.parametrize("minutes,expected", [(10, "Before onset"), (45, "Onset"), (100, "Peak"), (200, "Plateau"),
                                              (400, "Comedown")])
def test_phase(minutes, expected):
    assert phase(T0, T0 + timedelta(minutes=minutes)).startswith(expected)


def test_booster_window():
    assert booster_window(T0, T0 + timedelta(minutes=60)) == "Booster window opens in 30 min"
    assert booster_window(T0, T0 + timedelta(minutes=100)) == "Booster window open for 50 min more"
    assert booster_window(T0, T0 + timedelta(minutes=151)) == "Booster window has closed"


def test_water_counts_the_first_six_hours():
    intakes = [(T0 + timedelta(hours=1), 200), (T0 + timedelta(hours=5, minutes=59), 300), (T0 + timedelta(hours=7), 400)]
    assert water_in_first_hours(intakes, T0) == 500
