"""Check-ins: schedule, claim, send (idempotently), sign links, take answers, escalate danger.

Delivery guarantees come from the database, not from the broker:
- the dispatcher claims due rows with `FOR UPDATE SKIP LOCKED` and marks them "sending" with a
  lease, so two dispatchers (two beats) never claim the same row;
- the send task locks its row and sends only if it is still "sending", so duplicated tasks
  send once;
- a row whose worker died, or whose task Redis lost, stays "sending" until its lease ends and
  is then claimed again, so nothing is lost;
- retries are rows put back to "scheduled" with a later due time (no ETA tasks in Redis).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clients.consent import ConsentKind
from clients.consents import kind_state
from clients.models import CaseloadAssignment

from .checkins import CheckIn, CheckInAnswer
from .models import Kind, TherapySession

log = logging.getLogger(__name__)

CHECKIN_DAYS = (1, 3, 7, 14, 28)  # practice policy default [Manual: Between Sessions; Afterglow]
LOCAL_HOUR = 10  # 10:00 on the client's clock: never inside the 21:00-08:00 quiet hours
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
LINK_VALID = timedelta(days=7)
SALT = "practice.checkin-link"


def due_at(session_day: date, day: int, zone: str) -> datetime:
    """10:00 local time `day` days after the session day, as UTC (DST handled by the zone)."""
    local = datetime.combine(session_day + timedelta(days=day), time(LOCAL_HOUR)).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC"))


def schedule_for(session: TherapySession) -> list[CheckIn]:
    """Check-ins after a completed medicine session (idempotent)."""
    if session.kind != Kind.MEDICINE:
        return []
    from .readiness import client_zone

    zone = client_zone(session.client)
    ended = (session.ended_at or session.scheduled_start).astimezone(zone).date()
    days = session.client.checkin_days or CHECKIN_DAYS
    rows = [CheckIn(client=session.client, session=session, day=d, due_at=due_at(ended, d, zone.key)) for d in days]
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return list(CheckIn.objects.filter(session=session).order_by("day"))


def claim_due(limit: int = 200, lease: timedelta = LEASE) -> list[str]:
    """Mark due (or lease-expired) rows "sending" and return their ids. Safe to run concurrently."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE therapy_sessions_checkin SET state = 'sending', lease_until = now() + %s
            WHERE id IN (
                SELECT id FROM therapy_sessions_checkin
                WHERE (state = 'scheduled' AND due_at <= now())
                   OR (state = 'sending' AND lease_until < now())
                ORDER BY due_at
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,
            [lease, limit],
        )
        return [str(row[0]) for row in cursor.fetchall()]


def link_token(checkin: CheckIn) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(checkin.pk))


def checkin_from_token(token: str) -> CheckIn:
    """The check-in a link points to, or ValidationError with a reason fit to show."""
    try:
        checkin_id = signing.TimestampSigner(salt=SALT).unsign(token, max_age=LINK_VALID)
    except signing.SignatureExpired:
        raise ValidationError("This link has expired. Your therapist can still hear from you directly.") from None
    except signing.BadSignature:
        raise ValidationError("This link is not valid. Check that you used the whole link from the email.") from None
    checkin = CheckIn.objects.select_related("client__practice", "client__membership__user").filter(pk=checkin_id).first()
    if checkin is None:
        raise ValidationError("This link is not valid.")
    return checkin


def email_contact_allowed(checkin: CheckIn) -> bool:
    return kind_state(checkin.client, ConsentKind.CONTACT_EMAIL).in_force


def _message(checkin: CheckIn) -> EmailMultiAlternatives:
    user = checkin.client.membership.user
    context = {"name": user.get_short_name(), "practice": checkin.client.practice.name,
               "link": f"{settings.SITE_URL}/c/{link_token(checkin)}/"}
    message = EmailMultiAlternatives(
        render_to_string("emails/checkin_subject.txt", context).strip(),
        render_to_string("emails/checkin.txt", context), to=[user.email],
        headers={"Message-ID": checkin.message_id},
    )
    message.attach_alternative(render_to_string("emails/checkin.html", context), "text/html")
    return message


def send(checkin_id: str) -> str:
    """Send one claimed check-in. Returns what happened (for logs: ids and states only)."""
    with transaction.atomic():
        checkin = (CheckIn.objects.select_for_update().select_related("client__membership__user", "client__practice")
                   .filter(pk=checkin_id).first())
        if checkin is None or checkin.state != CheckIn.State.SENDING:
            return "skipped"  # a duplicate task, or already handled
        if checkin.client.checkins_paused or not email_contact_allowed(checkin):
            checkin.state = CheckIn.State.NOT_SENT
            checkin.reason = ("Paused by the client." if checkin.client.checkins_paused
                              else "No consent in force for contact by email.")
            checkin.save(update_fields=["state", "reason"])
            return "not_sent"
        try:
            _message(checkin).send()
        except Exception as exc:  # SMTP and network errors: retry later from the database
            checkin.attempts += 1
            checkin.last_error = type(exc).__name__[:200]
            if checkin.attempts >= MAX_ATTEMPTS:
                checkin.state = CheckIn.State.UNDELIVERABLE
            else:
                checkin.state = CheckIn.State.SCHEDULED
                checkin.due_at = timezone.now() + timedelta(minutes=2 ** checkin.attempts)
            checkin.save(update_fields=["attempts", "last_error", "state", "due_at"])
            log.warning("check-in %s send failed (%s), attempt %s", checkin.pk, checkin.last_error, checkin.attempts)
            return checkin.state
        # The one window that cannot be closed: the mail server has accepted the message and
        # the process dies before this commit. The row stays "sending", its lease ends and it is
        # sent again; the stable Message-ID lets the receiving side drop the repeat.
        checkin.state, checkin.sent_at, checkin.lease_until = CheckIn.State.SENT, timezone.now(), None
        checkin.save(update_fields=["state", "sent_at", "lease_until"])
        return "sent"


def is_danger(data: dict) -> bool:
    return bool(data.get("harm_thoughts") or data.get("worsening") == CheckInAnswer.Worsening.SEVERE
                or data.get("urgent_symptoms"))


@transaction.atomic
def answer_save(*, checkin: CheckIn, data: dict) -> CheckInAnswer:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state == CheckIn.State.ANSWERED:
        raise ValidationError("This check-in has already been answered. Thank you.")
    if checkin.state in (CheckIn.State.CANCELLED, CheckIn.State.SCHEDULED, CheckIn.State.SENDING):
        raise ValidationError("This check-in is not open.")
    answer = CheckInAnswer.objects.create(checkin=checkin, danger=is_danger(data), **data)
    checkin.state = CheckIn.State.ANSWERED
    checkin.save(update_fields=["state"])
    if answer.danger:
        from .tasks import notify_danger

        transaction.on_commit(lambda: notify_danger.delay(answer.pk))
    return answer


def notify_danger_now(answer_id: int) -> int:
    """Email the client's therapists that a check-in needs attention (no answers in the email)."""
    answer = CheckInAnswer.objects.select_related("checkin__client__practice").get(pk=answer_id)
    return notify_therapists(answer.checkin.client)


def notify_therapists(client) -> int:
    """Tell the client's therapists that something needs their attention today; no content."""
    therapists = [a.therapist.user for a in CaseloadAssignment.objects.filter(
        client=client, ended_at__isnull=True).select_related("therapist__user")]
    for user in therapists:
        context = {"practice": client.practice.name, "link": f"{settings.SITE_URL}/clients/{client.pk}/"}
        EmailMultiAlternatives(render_to_string("emails/danger_subject.txt", context).strip(),
                               render_to_string("emails/danger.txt", context), to=[user.email]).send()
    return len(therapists)


REMIND_AFTER = timedelta(hours=24)
MISSED_AFTER_REMINDER = timedelta(hours=48)


def send_reminders() -> int:
    """One reminder 24 h after sending, each claimed once by a conditional update."""
    with transaction.atomic():
        ids = list(CheckIn.objects.select_for_update(skip_locked=True).filter(
            state=CheckIn.State.SENT, reminder_claimed_at__isnull=True,
            sent_at__lt=timezone.now() - REMIND_AFTER).values_list("pk", flat=True)[:200])
        CheckIn.objects.filter(pk__in=ids).update(reminder_claimed_at=timezone.now())
    sent = 0
    for checkin in CheckIn.objects.filter(pk__in=ids).select_related("client__membership__user", "client__practice"):
        # A crash between claim and send skips this reminder: a missed reminder is safer than two.
        if checkin.client.checkins_paused or not email_contact_allowed(checkin):
            continue
        message = _message(checkin)
        message.subject = f"Reminder: {message.subject}"
        message.extra_headers["Message-ID"] = f"<checkin-{checkin.pk}-reminder@practice.invalid>"
        message.send()
        CheckIn.objects.filter(pk=checkin.pk).update(reminded_at=timezone.now())
        sent += 1
    return sent


def mark_missed() -> int:
    cutoff = timezone.now() - MISSED_AFTER_REMINDER
    return CheckIn.objects.filter(state=CheckIn.State.SENT, reminded_at__lt=cutoff).update(state=CheckIn.State.MISSED)


def escalate_unacknowledged() -> int:
    """Tell the supervisors about danger answers nobody acknowledged within the practice's time
    (policy `danger_escalate_hours`, default 4; a practice may only shorten it), once each."""
    from practice.models import SupervisionLink
    from screening.policy import DEFAULT_POLICY
    from screening.services import practice_policy

    from .checkins import CheckInEscalation

    # Few rows: danger answers that nobody has acknowledged or escalated yet.
    open_ = CheckInAnswer.objects.filter(danger=True, acknowledgements__isnull=True, escalation__isnull=True
                                         ).select_related("checkin__client__practice")
    policies = {}
    count = 0
    for answer in open_:
        practice_id = answer.checkin.client.practice_id
        if practice_id not in policies:
            policies[practice_id] = practice_policy(practice_id)
        hours = min(policies[practice_id].danger_escalate_hours, DEFAULT_POLICY.danger_escalate_hours)
        if answer.submitted_at > timezone.now() - timedelta(hours=hours):
            continue
        with transaction.atomic():
            _, created = CheckInEscalation.objects.get_or_create(answer=answer)
            if not created:
                continue
            client = answer.checkin.client
            therapists = CaseloadAssignment.objects.filter(client=client, ended_at__isnull=True).values("therapist")
            supervisors = {link.supervisor.user for link in SupervisionLink.objects.filter(
                therapist__in=therapists, ended_at__isnull=True).select_related("supervisor__user")}
            context = {"practice": client.practice.name, "link": f"{settings.SITE_URL}/clients/{client.pk}/"}
            for user in supervisors:
                EmailMultiAlternatives(render_to_string("emails/danger_subject.txt", context).strip(),
                                       render_to_string("emails/escalation.txt", context), to=[user.email]).send()
            count += 1
    return count
