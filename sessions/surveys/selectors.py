"""Reads of alliance surveys (BR-WAI): the schedule in force, open requests and alerts, the
latest scores per client and practitioner, and the charts of a client's record."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from clients import access
from clients.caseload.models import Client
from practice.charts import Chart, Marker, Series, line_chart
from practice.models import Membership
from practice.timing import TIMING
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.surveys import instruments
from sessions.surveys.models import RuptureAlert, SurveyRequest, SurveyResponse, SurveySchedule
from sessions.surveys.rules import NOT_NORMS


def client_alliance(client, viewer, can_acknowledge: bool | None = None) -> dict:
    """Context for the alliance section of a client's page (therapist or supervisor);
    `can_acknowledge` when the page has decided it already (access.can_acknowledge)."""
    responses = list(SurveyResponse.objects.filter(client=client).select_related("practitioner__user")
                     .prefetch_related("alerts__acknowledgement__by__user").order_by("submitted_at"))
    sessions = list(TherapySession.objects.filter(client=client, status=Status.COMPLETED).only(
        "kind", "scheduled_start", "ended_at", "practitioner_id", "second_practitioner_id"))
    panels = []
    for practitioner in {r.practitioner_id: r.practitioner for r in responses}.values():
        mine = [r for r in responses if r.practitioner_id == practitioner.pk]
        on = [timezone.localdate(r.submitted_at) for r in mine]
        markers = [Marker(timezone.localdate(s.ended_at or s.scheduled_start),
                          f"{'Medicine' if s.kind == Kind.MEDICINE else 'Therapy'} session", s.kind == Kind.MEDICINE)
                   for s in sessions if practitioner.pk in (s.practitioner_id, s.second_practitioner_id)]
        chart = Chart(f"Alliance ratings of {practitioner.user.get_full_name()} over time",
                      [Series("Total (16-80)", list(zip(on, [r.total for r in mine], strict=True))),
                       Series("Bond (8-40)", list(zip(on, [r.subscales.get("bond") for r in mine], strict=True))),
                       Series("Tasks/Goals (8-40)", list(zip(on, [r.subscales.get("tasks_goals") for r in mine],
                                                              strict=True)))],
                      8, 80, [(8, "8"), (40, "40"), (56, "56"), (80, "80")], markers=markers, height=170)
        latest = mine[-1]
        instrument = instruments.from_definition(latest.definition)
        panels.append({
            "practitioner": practitioner, "responses": list(reversed(mine)),
            "chart": line_chart(chart, f"alliance-{practitioner.pk}"),
            "latest_items": [(item, instrument.label(latest.answers[str(item.number)])) for item in instrument.items],
            "session_count": len(markers),
        })
    alerts = [a for r in responses for a in r.alerts.all()]
    return {"alliance_panels": panels, "alliance_open_alerts": [a for a in alerts if not hasattr(a, "acknowledgement")],
            "alliance_not_norms": NOT_NORMS,
            "can_acknowledge": access.can_acknowledge(viewer, client) if can_acknowledge is None else can_acknowledge,
            "schedule": schedule_of(client),
            "alliance_requests": SurveyRequest.objects.filter(client=client).select_related("practitioner__user")
            .order_by("-due_at")[:10]}


@dataclass(frozen=True)
class Schedule:
    first_sessions: int = TIMING.survey_first_sessions
    after_medicine: bool = TIMING.survey_after_medicine
    every_weeks: int = TIMING.survey_every_weeks


def schedule_of(client: Client) -> Schedule:
    """The client's own schedule if the therapist set one, else the practice's, else the default."""
    row = (SurveySchedule.objects.filter(practice_id=client.practice_id)
           .filter(Q(client=client) | Q(client__isnull=True)).order_by("client_id", "-created_at", "-id").first())
    # NULLs sort last in ascending order in PostgreSQL, so a client row wins.
    return Schedule(row.first_sessions, row.after_medicine, row.every_weeks) if row else Schedule()


def is_open(request: SurveyRequest, now=None) -> bool:
    now = now or timezone.now()
    started = request.sent_at or request.due_at
    return (request.state in (SurveyRequest.State.SENT, SurveyRequest.State.NOT_SENT)
            and started > now - TIMING.survey_valid_for and request.due_at <= now)


def open_for(client: Client):
    """Surveys the client can answer now (emailed or, without email consent, portal only)."""
    return [r for r in SurveyRequest.objects.filter(
        client=client, state__in=[SurveyRequest.State.SENT, SurveyRequest.State.NOT_SENT],
        due_at__lte=timezone.now()).select_related("practitioner__user") if is_open(r)]


def open_alerts(clients):
    return (RuptureAlert.objects.filter(response__client__in=clients, acknowledgement__isnull=True)
            .select_related("response__client__membership__user", "response__practitioner__user")
            .order_by("-created_at"))


def latest_by_pair(clients, practitioners) -> dict:
    """{(client_id, practitioner_id): (latest total, change from the one before or None)}, one query."""
    rows = (SurveyResponse.objects.filter(client__in=clients, practitioner__in=practitioners)
            .order_by("client_id", "practitioner_id", "-submitted_at").values_list("client_id", "practitioner_id", "total"))
    out: dict = {}
    for client_id, practitioner_id, total in rows:
        key = (client_id, practitioner_id)
        if key not in out:
            out[key] = [total, None]
        elif out[key][1] is None:
            out[key][1] = out[key][0] - total
    return {k: tuple(v) for k, v in out.items()}


def latest_with(client: Client, practitioner: Membership) -> SurveyResponse | None:
    return (SurveyResponse.objects.filter(client=client, practitioner=practitioner).order_by("-submitted_at")
            .first())


def supervisee_summary(therapists) -> list[dict]:
    """Per therapist: median and lowest of each client's latest rating of them, open alerts."""
    out = []
    latest_ids = (SurveyResponse.objects.filter(practitioner__in=therapists).order_by(
        "client_id", "practitioner_id", "-submitted_at").distinct("client_id", "practitioner_id").values("id"))
    latest = list(SurveyResponse.objects.filter(id__in=latest_ids).values("practitioner_id", "total"))
    open_counts: dict = {}
    for row in RuptureAlert.objects.filter(response__practitioner__in=therapists, acknowledgement__isnull=True
                                           ).values_list("response__practitioner_id", flat=True):
        open_counts[row] = open_counts.get(row, 0) + 1
    for t in therapists:
        totals = [r["total"] for r in latest if r["practitioner_id"] == t.pk]
        out.append({"therapist": t, "rated_by": len(totals),
                    "median": statistics.median(totals) if totals else None,
                    "lowest": min(totals) if totals else None, "open_alerts": open_counts.get(t.pk, 0)})
    return out
