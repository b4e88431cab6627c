"""Check-ins: schedule, take answers, escalate danger. Sending is `practice.delivery`, shared
with alliance surveys; the emails are `sessions.checkins.emails`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.caseload.models import CaseloadAssignment
from clients.caseload.services import notify_therapists
from clients.caseload.tasks import notify_attention
from clients.consent.selectors import email_blocked_for
from practice import delivery
from practice.models import SupervisionLink
from practice.tasking import publish
from practice.timing import TIMING
from screening.services import practice_policy
from sessions.checkins import emails
from sessions.checkins.models import CheckIn, CheckInAnswer, CheckInEscalation
from sessions.scheduling.models import Kind, TherapySession
from sessions.scheduling.selectors import client_zone


def due_at(session_day: date, day: int, zone: str) -> datetime:
    """The send hour on the client's clock `day` days after the session day, as UTC (DST
    handled by the zone)."""
    local = datetime.combine(session_day + timedelta(days=day), time(TIMING.checkin_hour)).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC"))


def schedule_for(session: TherapySession) -> list[CheckIn]:
    """Check-ins after a completed medicine session (idempotent)."""
    if session.kind != Kind.MEDICINE:
        return []
    zone = client_zone(session.client)
    ended = (session.ended_at or session.scheduled_start).astimezone(zone).date()
    days = session.client.checkin_days or TIMING.checkin_days
    rows = [CheckIn(client=session.client, session=session, day=d, due_at=due_at(ended, d, zone.key)) for d in days]
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return list(CheckIn.objects.filter(session=session).order_by("day"))


def claim_due(limit: int = 200, lease: timedelta = delivery.LEASE) -> list[str]:
    return delivery.claim_due(CheckIn, limit, lease)


def checkin_from_token(token: str) -> CheckIn:
    """The check-in a link points to, or ValidationError with a reason fit to show."""
    checkin_id = delivery.id_from_token(token, salt=emails.SALT, max_age=TIMING.checkin_link_valid,
                                        expired="This link has expired. Your therapist can still hear from you directly.")
    checkin = CheckIn.objects.select_related("client__practice", "client__membership__user").filter(pk=checkin_id).first()
    if checkin is None:
        raise ValidationError("This link is not valid.")
    return checkin


def dispatch(queue: delivery.Queue, **kwargs) -> int:
    return delivery.dispatch(CheckIn, queue, **kwargs)


def chain_on(queue: delivery.Queue) -> int:
    return delivery.chain_on(CheckIn, queue)


def send_batch(ids: list[str]) -> dict[str, str]:
    return delivery.send_batch(CheckIn, ids, blocked=email_blocked_for, email=emails.checkin_request)


def send(checkin_id: str) -> str:
    return delivery.send(CheckIn, checkin_id, blocked=email_blocked_for, email=emails.checkin_request)


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
        # The same alert as a high-risk screening: the client's therapists, no content.
        transaction.on_commit(lambda: publish(notify_attention, str(checkin.client_id)))
    return answer


def notify_danger_now(answer_id: int) -> int:
    """Email the client's therapists that a check-in needs attention (no answers in the email)."""
    answer = CheckInAnswer.objects.select_related("checkin__client__practice").get(pk=answer_id)
    return notify_therapists(answer.checkin.client)


def send_reminders() -> int:
    return delivery.send_reminders(CheckIn, TIMING.checkin_remind_after, blocked=email_blocked_for,
                                   email=emails.checkin_request)


def mark_missed() -> int:
    cutoff = timezone.now() - TIMING.checkin_missed_after_reminder
    return CheckIn.objects.filter(state=CheckIn.State.SENT, reminded_at__lt=cutoff).update(state=CheckIn.State.MISSED)


def escalate_unacknowledged() -> int:
    """Tell the supervisors about danger check-in answers nobody acknowledged in time, once each."""
    # Few rows: danger answers that nobody has acknowledged or escalated yet.
    open_ = CheckInAnswer.objects.filter(danger=True, acknowledgements__isnull=True, escalation__isnull=True
                                         ).select_related("checkin__client__practice")
    return escalate_overdue(open_, lambda answer: answer.checkin.client,
                            lambda answer: CheckInEscalation.objects.get_or_create(answer=answer)[1], "check-in answer")


def escalate_overdue(open_answers, client_of, escalate, what: str) -> int:
    """The escalation of danger answers (check-ins, questionnaires): each of `open_answers` older
    than the practice's `danger_escalate_hours` (default 4; a practice may only shorten it) is
    marked by `escalate(answer)` (True when it was not already) and its client's supervisors get
    one email saying a `what` needs attention. Returns how many were escalated."""
    policies: dict = {}
    count = 0
    for answer in open_answers:
        client = client_of(answer)
        if client.practice_id not in policies:
            policies[client.practice_id] = practice_policy(client.practice_id)
        hours = policies[client.practice_id].danger_escalate_hours
        if answer.submitted_at > timezone.now() - timedelta(hours=hours):
            continue
        with transaction.atomic():
            if not escalate(answer):
                continue
            therapists = CaseloadAssignment.objects.filter(client=client, ended_at__isnull=True).values("therapist")
            supervisors = {link.supervisor.user for link in SupervisionLink.objects.filter(
                therapist__in=therapists, ended_at__isnull=True).select_related("supervisor__user")}
            for user in supervisors:
                emails.escalation(user, client, hours=hours, what=what).send()
            count += 1
    return count
