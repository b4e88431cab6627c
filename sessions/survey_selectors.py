"""Reads for the alliance (BR-WAI) part of a client's record: charts, answers, open alerts.

(A step of the layout issue: reads used by pages outside sessions live here, not in views.)
"""

from __future__ import annotations

from django.utils import timezone

from clients import access
from practice.charts import Chart, Marker, Series, line_chart
from screening import instruments
from screening.alliance import NOT_NORMS

from . import survey_service as svc
from .models import Kind, Status, TherapySession
from .surveys import SurveyRequest, SurveyResponse


def client_alliance(client, viewer) -> dict:
    """Context for the alliance section of a client's page (therapist or supervisor)."""
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
            "alliance_not_norms": NOT_NORMS, "can_acknowledge": access.can_acknowledge(viewer, client),
            "schedule": svc.schedule_of(client),
            "alliance_requests": SurveyRequest.objects.filter(client=client).select_related("practitioner__user")
            .order_by("-due_at")[:10]}
