"""The client's preparation list for a medicine session, built from their own signed flight plan
(pure: plan content in, items out). [Manual: Pre-Session Checklist; Flight Plan]"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from screening import medications as med


@dataclass(frozen=True)
class Item:
    key: str
    text: str


# A pause counted in half-lives does not work where the effect outlasts the drug (SSRIs, SNRIs,
# irreversible MAOIs) or where a fixed washout applies (the always-avoid classes). [Domain guide 3]
NO_HALF_LIFE_PAUSE = frozenset({med.SSRI, med.SNRI, med.MAOI_IRREVERSIBLE, med.MAOI_REVERSIBLE, med.HARMALA,
                                med.CYP_STRONG_INHIBITOR})
PAUSE_HALF_LIVES = 3
# Depots, patches and slow-release forms last far longer than the tablet's half-life.
LONG_ACTING = re.compile(r"\b(depot|decanoate|palmitate|enanthate|lauroxil|injections?|injectable|implant|patch|"
                         r"long[- ]acting|lai|extended|modified|slow|retard|xr|er|sr|xl|cr|la|cd|mr|prolonged)\b",
                         re.IGNORECASE)


@dataclass(frozen=True)
class Session:
    """What the pause dates are counted from."""

    start: datetime  # aware
    zone: str  # the client's
    last_dose_after_start: timedelta  # the latest booster (policy): the restart counts from it


def pause_window(start: datetime, half_life_hours: float, last_dose_after_start: timedelta,
                 zone: str) -> tuple[datetime, datetime]:
    """(last dose at the latest, restart from): about 3 half-lives before the session, rounded
    earlier to a whole hour of the client's clock; 24 hours after its last dose, rounded later.
    Counted in real hours, so a clock change in between moves the wall-clock time, not the gap.
    [Manual: Drug Interactions]"""
    start = start.astimezone(UTC)  # arithmetic in real hours, whatever zone the caller's value is in
    stop = _hour_floor(start - timedelta(hours=PAUSE_HALF_LIVES * half_life_hours), zone)
    exact = start + last_dose_after_start + timedelta(hours=24)
    restart = _hour_floor(exact, zone)
    return stop, restart if restart == exact else restart + timedelta(hours=1)


def _hour_floor(moment: datetime, zone: str) -> datetime:
    # Subtract the local minutes in absolute time (zones may be offset by 30 or 45 minutes).
    local = moment.astimezone(ZoneInfo(zone))
    return moment - timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)


def _when(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def pause_items(text: str, session: Session | None, critical: frozenset[str] = frozenset()) -> list[Item]:
    """One line per medicine the plan's pause text names: dates where a half-life pause applies,
    otherwise why the dates are the prescriber's to give. `critical`: table names the client's
    medication list marks as needed for their health."""
    found = []
    long_acting = bool(LONG_ACTING.search(text))
    for entry in med.entries_in(text):
        name = entry.name[:1].upper() + entry.name[1:]
        if entry.classes & NO_HALF_LIFE_PAUSE:
            why = ("its effects outlast the medicine, so a pause counted in half-lives does not apply; "
                   "follow your prescriber's schedule")
        elif entry.name in critical:
            why = "your medication list marks it as needed for your health: change nothing your prescriber has not set"
        elif long_acting:
            why = "a long-acting or slow-release form lasts longer than its half-life: ask your prescriber for the dates"
        elif entry.half_life_hours is None or session is None:
            why = "ask your prescriber for the dates"
        else:
            stop, restart = pause_window(session.start, entry.half_life_hours, session.last_dose_after_start,
                                         session.zone)
            why = (f"last dose by {_when(stop, session.zone)} at the latest, restart from {_when(restart, session.zone)} "
                   f"({session.zone.replace('_', ' ')} time): about {PAUSE_HALF_LIVES} half-lives of "
                   f"{entry.half_life_hours:g} hours before the session, and 24 hours after its last dose. "
                   "Half-lives vary with age and health: keep to the dates your prescriber agreed")
        found.append(Item(f"pause:{entry.name}"[:80], f"{name}: {why}."))
    return found


def items(plan: dict, practice_items: str = "", session: Session | None = None,
          critical: frozenset[str] = frozenset()) -> list[Item]:
    """What to do before the day, in the plan's own words where it has them, then the practice's
    own items (one per line of its setting)."""
    found = []
    if plan.get("medication_pauses"):
        found.append(Item("pauses", f"Medicine pauses as agreed with your prescriber: {plan['medication_pauses']}"))
        found.extend(pause_items(plan["medication_pauses"], session, critical))
    if plan.get("substance_test"):
        found.append(Item("test", f"The substance is tested: {plan['substance_test']}"))
    if plan.get("food"):
        found.append(Item("food", f"Food: {plan['food']}"))
    if plan.get("water_limit"):
        found.append(Item("water", f"Water on the day: {plan['water_limit']}"))
    found.append(Item("sleep", "A good night's sleep before the session"))
    way_home = plan.get("transport_home") or "arranged"
    collected = f", collected by {plan['collected_by']}" if plan.get("collected_by") else ""
    found.append(Item("home", f"Your way home: {way_home}{collected}. No driving that day."))
    found.append(Item("next_day", "The next day is kept free"))
    if plan.get("someone_to_stay"):
        found.append(Item("stay", f"Someone stays with you afterwards: {plan['someone_to_stay']}"))
    for key, label in (plan.get("checklist_labels") or {}).items():
        found.append(Item(f"precaution:{key}"[:80], label))
    for line in practice_items.splitlines()[:30]:
        if line.strip():
            # Keyed by the text, so editing an item starts it unticked.
            found.append(Item("practice:" + hashlib.sha256(line.strip().encode()).hexdigest()[:16], line.strip()))
    return found
