"""Reads of the symptom measures."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from clients.intake.models import IntakeVersion
from practice.charts import Chart, Series, line_chart
from sessions.measures import rules
from sessions.measures.models import MeasureResponse, MeasureSchedule
from sessions.scheduling.models import Kind, TherapySession
from sessions.scheduling.selectors import client_zone


def slots_for(client) -> list[rules.Slot]:
    first_intake = (IntakeVersion.objects.filter(client=client, submitted_at__isnull=False).order_by("submitted_at")
                    .values_list("submitted_at", flat=True).first())
    sessions = [rules.MedicineSession(str(s.pk), s.scheduled_start, s.status, s.ended_at) for s in
                TherapySession.objects.filter(client=client, kind=Kind.MEDICINE, status__in=["scheduled", "completed"])]
    return rules.all_slots(first_intake, sessions, client_zone(client), schedule_of(client.practice_id))


def schedule_of(practice_id) -> rules.Schedule:
    row = MeasureSchedule.objects.filter(practice_id=practice_id).first()
    if row is None:
        return rules.Schedule()
    return rules.Schedule(row.at_intake, row.before_medicine, (row.first_follow_up_weeks, row.second_follow_up_weeks))


def due_for(client) -> list[tuple[str, rules.Slot]]:
    """The measures the client may answer now, one per instrument and open slot."""
    answered = set(MeasureResponse.objects.filter(client=client).values_list("instrument_key", "slot"))
    return rules.due(slots_for(client), answered, timezone.now())


def open_danger(clients) -> QuerySet[MeasureResponse]:
    """Danger answers of these clients nobody has acknowledged yet."""
    return MeasureResponse.objects.filter(danger=True, acknowledgements__isnull=True, client__in=clients)


def for_record(client) -> list[MeasureResponse]:
    return list(MeasureResponse.objects.filter(client=client).prefetch_related("acknowledgements__by__user")
                .order_by("-submitted_at"))


def charts(responses: list[MeasureResponse]) -> list:
    """A line chart of each measure's totals over time (each on its own scale), oldest first."""
    out = []
    for key in rules.INSTRUMENTS:
        mine = sorted((r for r in responses if r.instrument_key == key), key=lambda r: r.submitted_at)
        if not mine:
            continue
        definition = mine[-1].definition
        top = max(o["value"] for o in definition["options"]) * len(definition["items"])
        title = definition.get("short_title", key)
        ticks = [(b["from"], str(b["from"])) for b in definition.get("bands", [])] + [(top, str(top))]
        out.append(line_chart(Chart(title, [Series(title, [(timezone.localdate(r.submitted_at), r.total) for r in mine])],
                                    0, top, ticks), f"measure-{key}"))
    return out
