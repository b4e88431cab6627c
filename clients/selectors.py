"""Reads for client lists, in a fixed number of queries whatever the caseload size."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from sessions.models import Status, TherapySession

from .models import Client


def with_next_session(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Annotate each client with the start and kind of their next scheduled session."""
    upcoming = TherapySession.objects.filter(
        client=OuterRef("pk"), status=Status.SCHEDULED, scheduled_start__gte=timezone.now()
    ).order_by("scheduled_start")
    return (
        clients.select_related("membership__user")
        .annotate(
            next_session_start=Subquery(upcoming.values("scheduled_start")[:1]),
            next_session_kind=Subquery(upcoming.values("kind")[:1]),
        )
        .order_by("membership__user__full_name", "membership__user__email")
    )
