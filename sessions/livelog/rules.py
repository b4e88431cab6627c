"""Emergency signs during a medicine session, and the session's timeline. No database access.

Signs that must raise an unmistakable alert [Manual: When to Seek Emergency Care]:
temperature above 38.5 C; unstable blood pressure or heart rate; seizures (including
myoclonic jerks); delirium or unresponsiveness; muscle rigidity; severe or central/left chest
pain, especially with nausea or cold clammy skin. "Unstable" is practice policy: by default a
reading more than 30 mmHg systolic or 25 bpm away from the session's first (baseline) reading,
a spread of more than that between the highest and lowest reading so far (so a steady climb
in small steps counts), or a systolic above 180 or diastolic above 110.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from screening.policy import DEFAULT_POLICY


@dataclass(frozen=True)
class AlertPolicy:
    """Built from the practice's screening.policy.Policy (alert_* settings)."""

    temperature_c: Decimal = DEFAULT_POLICY.alert_temperature_c
    systolic_jump: int = DEFAULT_POLICY.alert_systolic_jump
    heart_rate_jump: int = DEFAULT_POLICY.alert_heart_rate_jump
    systolic_max: int = DEFAULT_POLICY.alert_systolic_max
    diastolic_max: int = DEFAULT_POLICY.alert_diastolic_max


DEFAULT_ALERTS = AlertPolicy()


class Sign(str):
    """An emergency sign: its plain text, and when it was seen (`at`)."""

    at: datetime

    def __new__(cls, text: str, at: datetime):
        sign = super().__new__(cls, text)
        sign.at = at
        return sign


@dataclass(frozen=True)
class Reading:
    at: datetime
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    temperature_c: Decimal | None = None


# Adverse effects on the checklist; those marked True are emergency signs by themselves.
ADVERSE_EFFECTS = {
    "jaw_clenching": ("Jaw clenching", False),
    "nausea": ("Nausea", False),
    "feeling_cold": ("Feeling cold", False),
    "restlessness": ("Restlessness", False),
    "headache": ("Headache", False),
    "anxiety": ("Anxiety or panic", False),
    "chest_pain": ("Chest pain", False),
    "chest_pain_severe": ("Severe, central or left-sided chest pain, or with nausea or cold clammy skin", True),
    "seizure": ("Seizure or muscle jerks", True),
    "rigidity": ("Muscle rigidity", True),
    "delirium": ("Delirium or unresponsiveness", True),
}


def emergency_signs(readings: list[Reading], effects: list[str], policy: AlertPolicy = DEFAULT_ALERTS) -> list[str]:
    """Plain reasons for an emergency alert; empty when there is none."""
    signs = []
    ordered = sorted(readings, key=lambda r: r.at)
    for r in ordered:
        if r.temperature_c is not None and r.temperature_c > policy.temperature_c:
            signs.append(Sign(f"Temperature {r.temperature_c} °C (above {policy.temperature_c} °C) at {r.at:%H:%M}", r.at))
        if r.systolic is not None and r.systolic > policy.systolic_max:
            signs.append(Sign(f"Systolic pressure {r.systolic} mmHg (above {policy.systolic_max}) at {r.at:%H:%M}", r.at))
        if r.diastolic is not None and r.diastolic > policy.diastolic_max:
            signs.append(Sign(f"Diastolic pressure {r.diastolic} mmHg (above {policy.diastolic_max}) at {r.at:%H:%M}",
                              r.at))
    for field, label, unit, limit in (("systolic", "blood pressure: systolic", "mmHg", policy.systolic_jump),
                                      ("heart_rate", "heart rate:", "bpm", policy.heart_rate_jump)):
        signs.extend(_unstable([r for r in ordered if getattr(r, field) is not None], field, label, unit, limit))
    for code, at in _first_times(effects):
        label, emergency = ADVERSE_EFFECTS.get(code, (code, False))
        if emergency:
            signs.append(Sign(label if at is None else f"{label} at {at:%H:%M}", at))
    return signs


def _first_times(effects) -> list[tuple[str, datetime | None]]:
    """Each adverse-effect code once, with the time it was first logged (codes alone: no time)."""
    first: dict = {}
    for effect in effects:
        code, at = effect if isinstance(effect, tuple) else (effect, None)
        if code not in first or (at is not None and first[code] is not None and at < first[code]):
            first[code] = at
    return list(first.items())


def _unstable(readings: list[Reading], field: str, label: str, unit: str, limit: int) -> list[str]:
    """One sign per reading that is more than `limit` from the baseline (the first reading), or
    that widens the range seen so far past `limit`."""
    if not readings:
        return []
    signs = []
    base = getattr(readings[0], field)
    low = high = base
    for r in readings[1:]:
        value = getattr(r, field)
        low, high = min(low, value), max(high, value)
        if abs(value - base) > limit:
            signs.append(Sign(f"Unstable {label} {value} {unit} at {r.at:%H:%M}, {value - base:+d} from the baseline "
                              f"{base} (more than {limit})", r.at))
        elif high - low > limit:
            signs.append(Sign(f"Unstable {label} ranged {low}-{high} {unit} by {r.at:%H:%M} (more than {limit} apart)",
                              r.at))
    return signs


PHASES = ((timedelta(minutes=30), "Before onset (effects usually noticeable at 30-45 min)"),
          (timedelta(minutes=90), "Onset"),
          (timedelta(hours=2), "Peak (around 1.5-2 h)"),
          (timedelta(hours=5), "Plateau; strong effects usually end around 5 h"),
          (None, "Comedown; side effects can last up to 3 days"))


def phase(initial_at: datetime | None, now: datetime) -> str:
    if initial_at is None:
        return "Initial dose not given yet"
    elapsed = now - initial_at
    for limit, label in PHASES:
        if limit is None or elapsed < limit:
            return label
    return PHASES[-1][1]


def booster_window(initial_at: datetime | None, now: datetime, start_h: Decimal = DEFAULT_POLICY.booster_after_hours[0],
                   end_h: Decimal = DEFAULT_POLICY.booster_after_hours[1], booster_at: datetime | None = None) -> str:
    if initial_at is None:
        return ""
    if booster_at is not None:
        return f"Booster given {_minutes(booster_at - initial_at)} after the initial dose"
    opens = initial_at + timedelta(hours=float(start_h))
    closes = initial_at + timedelta(hours=float(end_h))
    if now < opens:
        return f"Booster window opens in {_minutes(opens - now)}"
    if now <= closes:
        return f"Booster window open for {_minutes(closes - now)} more"
    return "Booster window has closed"


def booster_after_the_session(initial_at: datetime | None, booster_at: datetime | None) -> str:
    """The booster line of a closed session's log, in the past tense."""
    if initial_at is None:
        return "No dose was given"
    if booster_at is None:
        return "No booster was given"
    return f"Booster given {_minutes(booster_at - initial_at)} after the initial dose"


def elapsed(since: datetime | None, now: datetime) -> str:
    """"1 h 05 min" from `since` to `now` ("" without a start)."""
    return _minutes(now - since) if since else ""


def dose_warnings(*, which: str, at: datetime, initial_at: datetime | None, boosters_given: int,
                  planned_initial_mg: Decimal | None, planned_booster_mg: Decimal | None, amount_mg: Decimal,
                  window: tuple[Decimal, Decimal]) -> list[str]:
    """Why a dose that may be given (order and ceiling are checked elsewhere) departs from the
    plan or the booster window; empty when it does not. [Dosing]"""
    warnings = []
    if which == "initial":
        if planned_initial_mg and amount_mg != planned_initial_mg:
            warnings.append(f"Initial dose {amount_mg} mg differs from the planned {planned_initial_mg} mg.")
        return warnings
    if which == "extra":
        warnings.append("An extra dose beyond the plan.")
    elif boosters_given:
        warnings.append("A second booster: beyond the plan.")
    elif not planned_booster_mg:
        warnings.append("A booster the plan did not include.")
    elif amount_mg != planned_booster_mg:
        warnings.append(f"Booster {amount_mg} mg differs from the planned {planned_booster_mg} mg.")
    if which == "booster" and initial_at is not None:
        after = at - initial_at
        start, end = window
        if not timedelta(hours=float(start)) <= after <= timedelta(hours=float(end)):
            warnings.append(f"Booster given {_minutes(after)} after the initial dose, outside the {start}-{end} h "
                            "window.")
    return warnings


def _minutes(delta: timedelta) -> str:
    total = int(delta.total_seconds() // 60)
    return f"{total // 60} h {total % 60:02d} min" if total >= 60 else f"{total} min"


def water_in_first_hours(intakes: list[tuple[datetime, int]], initial_at: datetime | None,
                         hours: int = DEFAULT_POLICY.water_limit_hours) -> int:
    """Millilitres drunk in the first `hours` after the initial dose (all of it before the dose)."""
    if initial_at is None:
        return sum(ml for _, ml in intakes)
    cutoff = initial_at + timedelta(hours=hours)
    return sum(ml for at, ml in intakes if at <= cutoff)
