"""Writes of appointment reminders: one per scheduled session, kept in step with the session
(moved, cancelled), sent through practice.delivery."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.consent.selectors import contact_blocked_for
from practice import delivery
from practice.timing import TIMING
from sessions.reminders import emails
from sessions.reminders.models import SessionReminder
from sessions.reminders.rules import reminder_due
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.scheduling.selectors import client_zone

PENDING = (SessionReminder.State.SCHEDULED,)


def reminder_schedule(session: TherapySession) -> SessionReminder | None:
    """Create, or move with its session, the reminders of a scheduled session (idempotent): the
    practice's lead time before (a day by default), and for a medicine session also a week before
    (time to prepare). A reminder already sent stays as it was; none whose time has passed.
    Returns the first one."""
    if session.status != Status.SCHEDULED:
        return None
    lead = timedelta(hours=session.client.practice.reminder_lead_hours)
    day = _reminder(session, SessionReminder.Before.DAY, lead, short_notice=True)
    if session.kind == Kind.MEDICINE:
        _reminder(session, SessionReminder.Before.WEEK, TIMING.preparation_reminder_before, short_notice=False)
    return day


def _reminder(session, before: str, ahead: timedelta, *, short_notice: bool) -> SessionReminder | None:
    due = reminder_due(session.scheduled_start, client_zone(session.client), ahead, TIMING.quiet_from_hour,
                       TIMING.quiet_until_hour)
    if due <= timezone.now():
        # Booked at short notice: the day-before reminder goes now, if still before the session;
        # a week-before one is simply not needed any more.
        if not short_notice or session.scheduled_start - timezone.now() < timedelta(hours=1):
            SessionReminder.objects.filter(session=session, before=before, state__in=PENDING).update(
                state=SessionReminder.State.CANCELLED, reason="Its time passed before it was due.")
            return None
        due = timezone.now()
    reminder, created = SessionReminder.objects.get_or_create(session=session, before=before, defaults={
        "client": session.client, "due_at": due})
    if not created and reminder.state in PENDING and reminder.due_at != due:
        SessionReminder.objects.filter(pk=reminder.pk, state__in=PENDING).update(due_at=due)
    return reminder


def reminders_follow_lead(practice) -> int:
    """The practice changed its lead time: move the reminders not sent yet of its sessions ahead."""
    moved = 0
    for session in (TherapySession.objects.filter(client__practice=practice, status=Status.SCHEDULED,
                                                  scheduled_start__gt=timezone.now(),
                                                  reminders__state__in=PENDING).distinct()
                    .select_related("client__practice")):
        moved += reminder_schedule(session) is not None
    return moved


def reminder_cancel(session: TherapySession) -> int:
    """The session was cancelled: its reminder, if not sent yet, is not sent."""
    return SessionReminder.objects.filter(session=session, state__in=PENDING).update(
        state=SessionReminder.State.CANCELLED, reason="The session was cancelled.")


def reminders_missing() -> int:
    """Reminders for scheduled sessions that have none yet (sessions booked before reminders
    existed, or any a failure left out): run by beat, idempotent."""
    horizon = timezone.now() + TIMING.preparation_reminder_before + timedelta(days=1)
    made = 0
    for session in (TherapySession.objects.filter(status=Status.SCHEDULED, scheduled_start__gt=timezone.now(),
                                                  scheduled_start__lt=horizon, reminders__isnull=True)
                    .select_related("client__practice")[:500]):
        made += reminder_schedule(session) is not None
    return made


def claim_due(limit: int = 200, lease: timedelta = delivery.LEASE) -> list[str]:
    return delivery.claim_due(SessionReminder, limit, lease)


def dispatch(queue: delivery.Queue, **kwargs) -> int:
    return delivery.dispatch(SessionReminder, queue, **kwargs)


def chain_on(queue: delivery.Queue) -> int:
    return delivery.chain_on(SessionReminder, queue)


# Only the consent counts: a client's pause of check-in emails does not stop appointment reminders.
def send_batch(ids: list[str]) -> dict[str, str]:
    return delivery.send_batch(SessionReminder, ids, blocked=contact_blocked_for, email=emails.session_reminder)


def send(reminder_id: str) -> str:
    return delivery.send(SessionReminder, reminder_id, blocked=contact_blocked_for, email=emails.session_reminder)


def reminder_from_token(token: str) -> SessionReminder:
    """The reminder an emailed link carries; valid for as long as the earliest reminder is ahead."""
    reminder_id = delivery.id_from_token(token, salt=emails.SALT,
                                         max_age=TIMING.preparation_reminder_before + timedelta(days=1),
                                         expired="This reminder link has expired. Your portal shows your sessions.")
    reminder = SessionReminder.objects.filter(pk=reminder_id).select_related("client").first()
    if reminder is None:
        raise ValidationError("This link is not valid.")
    return reminder
