"""Reads of the appointment book: the client's clock, a session through the access policy, and
each client's next session for lists."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clients import access
from clients.caseload.models import Client
from clients.intake.models import IntakeVersion
from screening.facts import latest_submitted
from sessions.scheduling import ics
from sessions.scheduling.models import CalendarFeed, Kind, Status, TherapySession


def client_zone(client: Client) -> ZoneInfo:
    """The client's zone: from their latest submitted intake, else the practice's."""

    intake = latest_submitted(IntakeVersion, client)
    return ZoneInfo(intake.time_zone if intake else client.practice.time_zone)


def local_start(client: Client, day: date, at: time) -> datetime:
    """The UTC instant of `day` `at` on the client's wall clock.

    Clock changes: a time skipped by a spring-forward change does not exist and is refused;
    a time repeated in autumn means its first occurrence (fold=0).
    """
    zone = client_zone(client)
    local = datetime.combine(day, at).replace(tzinfo=zone)
    roundtrip = local.astimezone(ZoneInfo("UTC")).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(f"{at:%H:%M} does not exist on {day:%d %b %Y} in {zone.key}: the clocks change. "
                              "Choose another time.")
    return local.astimezone(ZoneInfo("UTC"))


def session_for(request, client_id, session_id, *, write: bool):
    """The client (through the access policy) and one of their sessions; 404 otherwise."""
    client = access.get_client(request, client_id, write=write)
    return client, get_object_or_404(TherapySession, pk=session_id, client=client)


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
        .annotate(next_session_kind_label=Case(*[When(next_session_kind=k, then=Value(label)) for k, label in Kind.choices],
                                               default=Value(""), output_field=CharField()))
        .order_by("membership__user__full_name", "membership__user__email")
    )


def conflicts(session: TherapySession) -> list[str]:
    """Other sessions overlapping this one's planned time for the same practitioner, client or
    room (in words, for a warning: double booking is allowed but never silent)."""
    start, end = session.scheduled_start, session.planned_end
    people = [session.practitioner_id] + ([session.second_practitioner_id] if session.second_practitioner_id else [])
    same = Q(practitioner_id__in=people) | Q(second_practitioner_id__in=people) | Q(client_id=session.client_id)
    room = session.place.strip()
    if room and room.lower() != "video":
        same |= Q(place__iexact=room)
    nearby = (TherapySession.objects.filter(same, client__practice_id=session.client.practice_id,
                                            status__in=[Status.SCHEDULED, Status.IN_PROGRESS],
                                            scheduled_start__lt=end, scheduled_start__gt=start - timedelta(days=1))
              .exclude(pk=session.pk).select_related("practitioner__user"))
    found = []
    for other in nearby:
        if other.planned_end <= start:
            continue
        who = ("the client" if other.client_id == session.client_id
               else f"the room {room}" if room and other.place.lower() == room.lower() else str(other.practitioner.user))
        found.append(f"{other.get_kind_display()} session of {who}, "
                     f"{timezone.localtime(other.scheduled_start):%d %b %H:%M}-{timezone.localtime(other.planned_end):%H:%M}")
    return found


def agenda_between(membership, start: datetime, end: datetime, *, whole_practice: bool) -> list[TherapySession]:
    """Sessions from `start` to `end`: the viewer's own (led or assisted), or the whole practice's.
    Each has `.visible`: whether the viewer may read that client's record (else it shows as busy)."""
    sessions = TherapySession.objects.filter(client__practice_id=membership.practice_id, scheduled_start__gte=start,
                                             scheduled_start__lt=end).exclude(status=Status.CANCELLED)
    if not whole_practice:
        sessions = sessions.filter(Q(practitioner=membership) | Q(second_practitioner=membership))
    sessions = list(sessions.select_related("client__membership__user", "practitioner__user")
                    .order_by("scheduled_start"))
    visible = set(access.clients_visible_to(membership).filter(pk__in={s.client_id for s in sessions})
                  .values_list("pk", flat=True))
    for s in sessions:
        s.visible = s.client_id in visible
    return sessions


FEED_PAST, FEED_AHEAD = timedelta(days=30), timedelta(days=180)


def feed_for_token(token: str):
    """The staff member whose calendar link this is, or None (unknown, revoked or left)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    feed = CalendarFeed.objects.filter(token_sha256=digest, membership__is_active=True).select_related(
        "membership__practice").first()
    return feed.membership if feed else None


def feed_events(membership) -> tuple[list[ics.Event], set]:
    """A staff member's sessions from a month ago to half a year ahead, as calendar events, and
    the ids of the clients they show (for the access log)."""
    now = timezone.now()
    sessions = (TherapySession.objects.filter(Q(practitioner=membership) | Q(second_practitioner=membership),
                                              scheduled_start__gte=now - FEED_PAST, scheduled_start__lt=now + FEED_AHEAD)
                .select_related("client__membership__user").order_by("scheduled_start"))
    events = [ics.Event(uid=f"session-{s.pk}@practice.invalid", start=s.scheduled_start, end=s.planned_end,
                        summary=f"{s.get_kind_display()} session, {ics.initials(str(s.client))}", location=s.place,
                        cancelled=s.status == Status.CANCELLED) for s in sessions]
    return events, {s.client_id for s in sessions}
