"""Writes for session notes: drafts, signing, addenda, supervisor co-signatures; overdue notes."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from practice.tenancy.models import SupervisionLink
from practice.timing import TIMING
from sessions.notes.models import SessionNote
from sessions.scheduling.models import Kind, Status, TherapySession


def overdue_notes(practitioners) -> QuerySet[TherapySession]:
    """Sessions that ended longer ago than the timing's overdue time (72 hours) whose note is missing or unsigned."""
    cutoff = timezone.now() - TIMING.note_overdue_after
    return (TherapySession.objects.filter(practitioner__in=practitioners, status=Status.COMPLETED)
            .filter(Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, scheduled_start__lt=cutoff))
            .filter(Q(note__isnull=True) | Q(note__signed_at__isnull=True))
            .select_related("client__membership__user", "practitioner__user").order_by("scheduled_start"))


def open_too_long(practitioners) -> QuerySet[TherapySession]:
    """Medicine sessions started more than 24 hours ago and never closed: they count for
    spacing and the lifetime limit from their start, and someone should close them."""
    return (TherapySession.objects.filter(Q(practitioner__in=practitioners) | Q(second_practitioner__in=practitioners),
                                          kind=Kind.MEDICINE, status=Status.IN_PROGRESS,
                                          started_at__lt=timezone.now() - TIMING.session_open_too_long_after)
            .select_related("client__membership__user", "practitioner__user").order_by("started_at"))


def awaiting_cosignature(supervisor, therapists=None) -> QuerySet:
    """Signed notes of the supervisor's supervisees, signed while they supervised them, that the
    supervisor has not co-signed yet: oldest first."""
    links = SupervisionLink.objects.filter(supervisor=supervisor, ended_at__isnull=True)
    if therapists is not None:
        links = links.filter(therapist__in=therapists)
    since = Q(pk__in=[])
    for link in links:
        since |= Q(author_id=link.therapist_id, signed_at__gte=link.started_at)
    return (SessionNote.objects.filter(since).exclude(cosignatures__supervisor=supervisor)
            .select_related("session__client__membership__user", "author__user").order_by("signed_at"))
