"""Reads of a session's preparation list: each item with whether (and when) the client ticked it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from screening.selectors import critical_medicines
from screening.services import practice_policy
from sessions.flightplans.selectors import plan_in_force
from sessions.preparation import rules
from sessions.preparation.models import PreparationTick
from sessions.scheduling.selectors import client_zone


@dataclass(frozen=True)
class Line:
    key: str
    text: str
    done: bool
    at: datetime | None


def preparation(session) -> list[Line] | None:
    """The list for a medicine session from the client's plan in force; None without one."""
    plan, _why = plan_in_force(session.client)
    if plan is None:
        return None
    latest = {}
    for tick in PreparationTick.objects.filter(session=session).order_by("at", "id"):
        latest[tick.key] = tick
    client = session.client
    counted_from = None
    if session.scheduled_start:
        last_booster = practice_policy(client.practice_id).booster_after_hours[1]
        counted_from = rules.Session(session.scheduled_start, client_zone(client).key,
                                     timedelta(hours=float(last_booster)))
    found = rules.items(plan.content, client.practice.preparation_items, counted_from,
                        critical_medicines(client) if plan.content.get("medication_pauses") else frozenset())
    return [Line(i.key, i.text, bool(latest.get(i.key) and latest[i.key].done),
                 latest[i.key].at if i.key in latest else None) for i in found]


def progress(sessions) -> dict:
    """{session id: (ticked, total)} for a few sessions (the day view), from their plans."""
    return {s.pk: (sum(line.done for line in lines), len(lines))
            for s in sessions if (lines := preparation(s)) is not None}
