"""When the symptom measures are due: plain facts in, open slots out. No database access.

Default schedule (issue 20): at intake, before each medicine session, and 4 and 12 weeks after
it. Each slot asks every measure once and stays open for a while, so a client who is away a
few days can still answer; a slot that closes unanswered is simply missed (no reminder yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

INSTRUMENTS = ("phq9", "gad7", "pcl5")
BASELINE_OPEN = timedelta(days=60)  # the intake measures: until answered, up to two months
BEFORE = timedelta(days=7)  # before a medicine session: the week before it
AFTER_OPEN = timedelta(days=14)  # each follow-up slot stays open two weeks


@dataclass(frozen=True)
class Schedule:
    """The practice's choice (sessions.measures.models.MeasureSchedule); this is the default."""

    at_intake: bool = True
    before_medicine: bool = True
    after_weeks: tuple[int, ...] = (4, 12)  # weeks after a completed medicine session


@dataclass(frozen=True)
class Slot:
    key: str  # "intake", "before-<session id>", "after4w-<session id>", "after12w-<session id>"
    label: str
    opens: datetime
    closes: datetime


@dataclass(frozen=True)
class MedicineSession:
    id: str
    start: datetime
    status: str
    ended_at: datetime | None


def all_slots(intake_submitted_at: datetime | None, sessions: list[MedicineSession], zone,
              schedule: Schedule = Schedule()) -> list[Slot]:
    """Every slot the client's record and the practice's schedule imply, open or not, oldest first."""
    slots = []
    if intake_submitted_at is not None and schedule.at_intake:
        slots.append(Slot("intake", "At intake", intake_submitted_at, intake_submitted_at + BASELINE_OPEN))
    for s in sessions:
        day = f"{s.start.astimezone(zone):%-d %b %Y}"
        if s.status == "scheduled" and schedule.before_medicine:
            slots.append(Slot(f"before-{s.id}", f"Before the medicine session of {day}", s.start - BEFORE, s.start))
        elif s.status == "completed":
            done = s.ended_at or s.start
            for weeks in sorted({w for w in schedule.after_weeks if w > 0}):
                opens = done + timedelta(weeks=weeks)
                slots.append(Slot(f"after{weeks}w-{s.id}", f"{weeks} week{'s' if weeks > 1 else ''} after the medicine "
                                  f"session of {day}", opens, opens + AFTER_OPEN))
    return sorted(slots, key=lambda slot: slot.opens)


def due(slots: list[Slot], answered: set[tuple[str, str]], now: datetime) -> list[tuple[str, Slot]]:
    """(instrument, slot) the client may answer now: the slot is open and that measure not yet given in it."""
    return [(key, slot) for slot in slots if slot.opens <= now < slot.closes
            for key in INSTRUMENTS if (key, slot.key) not in answered]
