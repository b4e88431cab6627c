"""The medicine-session readiness checklist, with the guide's boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from screening.rules import Facts, evaluate
from sessions.readiness.rules import INFO, OK, RATIONALE, REFUSED, START, GateFacts, outcome, readiness

DAY = date(2027, 5, 10)


def flags(**kw):
    base = {"birth_date": date(1980, 1, 1), "mass_kg": Decimal("70"), "followup_capacity": True}
    return tuple(evaluate(Facts(as_of=DAY, **{**base, **kw})))


READY = GateFacts(stage="schedule", flags=flags(), screening_complete=True, screened_since_last_medicine_session=True,
                  informed_consent_in_force=True, flight_plan_in_force=True, substance_test_recorded=True,
                  prior_sessions_with_practitioner=3, dose_planned=True)


def level(facts: GateFacts, code: str) -> str:
    # The checklist's own line of that code (a precaution of the same name is an INFO line beside it).
    return next(line.level for line in readiness(facts) if line.code == code and line.level != INFO)


def test_a_fully_prepared_session_passes():
    assert outcome(readiness(READY)) == OK


@pytest.mark.parametrize("days,code,expected", [
    (13, "spacing_minimum", REFUSED),
    # A caution refuses until it carries its own rationale; then it is OK. [Session Frequency]
    (14, "spacing_under_20_days", REFUSED), (19, "spacing_under_20_days", REFUSED),
    (20, "spacing_under_6_weeks", REFUSED), (41, "spacing_under_6_weeks", REFUSED), (42, None, OK),
])
def test_spacing(days, code, expected):
    f = replace(READY, flags=flags(medicine_sessions_in_app=(DAY - timedelta(days=days),)))
    assert outcome(readiness(f)) == expected
    if code:
        assert level(f, code) == expected
    if code and code != "spacing_minimum":
        [line] = [ln for ln in readiness(f) if ln.code == code]
        assert line.ack_key == code and line.hard is (code == "spacing_under_20_days")
        assert outcome(readiness(replace(f, acknowledged=frozenset({code})))) == OK


def test_one_rationale_never_clears_several_cautions():
    f = replace(READY, flags=flags(liver_disease=True, seizures=True,
                                   medicine_sessions_in_app=(DAY - timedelta(days=30),)))
    waiting = {ln.ack_key for ln in readiness(f) if ln.ack_key}
    assert waiting == {"liver_disease", "seizure_history", "spacing_under_6_weeks"}
    one = replace(f, acknowledged=frozenset({"liver_disease"}))
    assert outcome(readiness(one)) == REFUSED
    assert {ln.ack_key for ln in readiness(one) if ln.ack_key} == {"seizure_history", "spacing_under_6_weeks"}


def test_precautions_and_the_2_mg_per_kg_information_show_at_the_gate():
    f = replace(READY, flags=flags(planned_total_mg=Decimal("187.5")))  # 2.68 mg/kg at 70 kg
    info = {ln.code: ln for ln in readiness(f) if ln.level == INFO}
    assert "high_dose" in info and "2.68 mg/kg" in info["high_dose"].text and "[Manual: Dosing]" in info["high_dose"].text
    assert {"substance_test", "water_limit"} <= set(info)
    assert outcome(readiness(f)) == OK  # information never blocks


@pytest.mark.parametrize("external,expected", [(239, OK), (240, REFUSED)])
def test_lifetime_sessions(external, expected):
    assert outcome(readiness(replace(READY, flags=flags(external_sessions=external)))) == expected


@pytest.mark.parametrize("prior,expected", [(0, RATIONALE), (2, RATIONALE), (3, OK), (5, OK)])
def test_prior_sessions_with_the_practitioner(prior, expected):
    assert level(replace(READY, prior_sessions_with_practitioner=prior), "prior_sessions") == expected


@pytest.mark.parametrize("change,code", [
    ({"informed_consent_in_force": False}, "informed_consent"),
    ({"flight_plan_in_force": False}, "flight_plan"),
    ({"screening_complete": False}, "screening_incomplete"),
    ({"screened_since_last_medicine_session": False}, "screening_outdated"),
    ({"plan_allows_touch": True}, "touch_consent"),
    ({"plan_records_session": True}, "recording_consent"),
    ({"flags": flags(hyperthyroidism=True)}, "hyperthyroidism"),
    ({"flags": flags(mass_kg=Decimal("60"), planned_total_mg=Decimal("181"))}, "dose_above_ceiling"),
])
def test_refusals(change, code):
    f = replace(READY, **change)
    assert level(f, code) == REFUSED and outcome(readiness(f)) == REFUSED


def test_cautions_need_their_own_rationale_until_acknowledged():
    cautious = replace(READY, flags=flags(liver_disease=True))
    assert level(cautious, "liver_disease") == REFUSED
    assert level(replace(cautious, acknowledged=frozenset({"liver_disease"})), "liver_disease") == OK


def test_repeated_high_doses_need_their_own_rationale_at_scheduling():
    f = replace(READY, flags=flags(planned_total_mg=Decimal("150"), prior_high_dose_sessions=5))
    [line] = [ln for ln in readiness(f) if ln.code == "high_dose_repeated"]
    assert line.level == REFUSED and line.ack_key == "high_dose_repeated"


@pytest.mark.parametrize("change,code", [({"substance_test_recorded": False}, "substance_test"),
                                         ({"dose_planned": False}, "dose_plan")])
def test_missing_test_or_dose_is_amber_when_scheduling_and_red_when_starting(change, code):
    assert level(replace(READY, **change), code) == RATIONALE
    assert level(replace(READY, stage=START, **change), code) == REFUSED


def test_touch_and_recording_with_consent_pass():
    f = replace(READY, plan_allows_touch=True, touch_consent_in_force=True, plan_records_session=True,
                recording_consent_in_force=True)
    assert outcome(readiness(f)) == OK
