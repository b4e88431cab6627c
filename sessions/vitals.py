"""Emergency signs during a medicine session, and the session's timeline. No database access.

Signs that must raise an unmistakable alert [Manual: When to Seek Emergency Care]:
temperature above 38.5 C; unstable blood pressure or heart rate; seizures (including
myoclonic jerks); delirium or unresponsiveness; muscle rigidity; severe or central/left chest
pain, especially with nausea or cold clammy skin. "Unstable" is practice policy: by default a
change of more than 30 mmHg systolic or 25 bpm between consecutive readings, or a systolic
above 180 or diastolic above 110.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class AlertPolicy:
    """Built from the practice's screening.policy.Policy (alert_* settings)."""

    temperature_c: Decimal = Decimal("38.5")
    systolic_jump: int = 30
    heart_rate_jump: int = 25
    systolic_max: int = 180
    diastolic_max: int = 110


DEFAULT_ALERTS = AlertPolicy()


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
            signs.append(f"Temperature {r.temperature_c} °C (above {policy.temperature_c} °C) at {r.at:%H:%M}")
        if r.systolic is not None and r.systolic > policy.systolic_max:
            signs.append(f"Systolic pressure {r.systolic} mmHg (above {policy.systolic_max}) at {r.at:%H:%M}")
        if r.diastolic is not None and r.diastolic > policy.diastolic_max:
            signs.append(f"Diastolic pressure {r.diastolic} mmHg (above {policy.diastolic_max}) at {r.at:%H:%M}")
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.systolic is not None and after.systolic is not None and \
                abs(after.systolic - before.systolic) > policy.systolic_jump:
            signs.append(f"Unstable blood pressure: systolic {before.systolic} → {after.systolic} mmHg by {after.at:%H:%M}")
        if before.heart_rate is not None and after.heart_rate is not None and \
                abs(after.heart_rate - before.heart_rate) > policy.heart_rate_jump:
            signs.append(f"Unstable heart rate: {before.heart_rate} → {after.heart_rate} bpm by {after.at:%H:%M}")
    for code in dict.fromkeys(effects):
        label, emergency = ADVERSE_EFFECTS.get(code, (code, False))
        if emergency:
            signs.append(label)
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


def booster_window(initial_at: datetime | None, now: datetime, start_h: Decimal = Decimal("1.5"),
                   end_h: Decimal = Decimal("2.5")) -> str:
    if initial_at is None:
        return ""
    opens = initial_at + timedelta(hours=float(start_h))
    closes = initial_at + timedelta(hours=float(end_h))
    if now < opens:
        return f"Booster window opens in {_minutes(opens - now)}"
    if now <= closes:
        return f"Booster window open for {_minutes(closes - now)} more"
    return "Booster window has closed"


def _minutes(delta: timedelta) -> str:
    total = int(delta.total_seconds() // 60)
    return f"{total // 60} h {total % 60:02d} min" if total >= 60 else f"{total} min"


def water_in_first_hours(intakes: list[tuple[datetime, int]], initial_at: datetime | None, hours: int = 6) -> int:
    """Millilitres drunk in the first `hours` after the initial dose (all of it before the dose)."""
    if initial_at is None:
        return sum(ml for _, ml in intakes)
    cutoff = initial_at + timedelta(hours=hours)
    return sum(ml for at, ml in intakes if at <= cutoff)
