"""Check-ins: schedule, sign links, take answers, escalate danger. Sending is
`practice.delivery`, shared with alliance surveys."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clients.consent import ConsentKind
from clients.consents import kind_state
from clients.models import CaseloadAssignment
from clients.services import notify_therapists
from practice import delivery

from ..models import Kind, TherapySession
from .models import CheckIn, CheckInAnswer

CHECKIN_DAYS = (1, 3, 7, 14, 28)  # practice policy default [Manual: Between Sessions; Afterglow]
LOCAL_HOUR = 10  # 10:00 on the client's clock: never inside the 21:00-08:00 quiet hours
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
    from ..readiness import client_zone

    zone = client_zone(session.client)
    ended = (session.ended_at or session.scheduled_start).astimezone(zone).date()
    days = session.client.checkin_days or CHECKIN_DAYS
    rows = [CheckIn(client=session.client, session=session, day=d, due_at=due_at(ended, d, zone.key)) for d in days]
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return list(CheckIn.objects.filter(session=session).order_by("day"))


def claim_due(limit: int = 200, lease: timedelta = delivery.LEASE) -> list[str]:
    return delivery.claim_due(CheckIn, limit, lease)


def link_token(checkin: CheckIn) -> str:
    return delivery.link_token(checkin, SALT)


def checkin_from_token(token: str) -> CheckIn:
    """The check-in a link points to, or ValidationError with a reason fit to show."""
    checkin_id = delivery.id_from_token(token, salt=SALT, max_age=LINK_VALID,
                                        expired="This link has expired. Your therapist can still hear from you directly.")
    checkin = CheckIn.objects.select_related("client__practice", "client__membership__user").filter(pk=checkin_id).first()
    if checkin is None:
        raise ValidationError("This link is not valid.")
    return checkin


def email_contact_allowed(client) -> bool:
    return kind_state(client, ConsentKind.CONTACT_EMAIL).in_force


def email_blocked(client) -> str:
    """Why nothing may be emailed to this client (shown to staff), or "" when it may."""
    if client.checkins_paused:
        return "Paused by the client."
    if not email_contact_allowed(client):
        return "No consent in force for contact by email."
    return ""


def message(checkin: CheckIn):
    return delivery.link_email(checkin, template="checkin", path=f"/c/{link_token(checkin)}/")


def send(checkin_id: str) -> str:
    return delivery.send(CheckIn, checkin_id)


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
        from practice.tasking import publish

        from ..tasks import notify_danger

        transaction.on_commit(lambda: publish(notify_danger, answer.pk))
    return answer


def notify_danger_now(answer_id: int) -> int:
    """Email the client's therapists that a check-in needs attention (no answers in the email)."""
    answer = CheckInAnswer.objects.select_related("checkin__client__practice").get(pk=answer_id)
    return notify_therapists(answer.checkin.client)


REMIND_AFTER = timedelta(hours=24)
MISSED_AFTER_REMINDER = timedelta(hours=48)


def send_reminders() -> int:
    return delivery.send_reminders(CheckIn, REMIND_AFTER)


def mark_missed() -> int:
    cutoff = timezone.now() - MISSED_AFTER_REMINDER
    return CheckIn.objects.filter(state=CheckIn.State.SENT, reminded_at__lt=cutoff).update(state=CheckIn.State.MISSED)


def escalate_unacknowledged() -> int:
    """Tell the supervisors about danger answers nobody acknowledged within the practice's time
    (policy `danger_escalate_hours`, default 4; a practice may only shorten it), once each."""
    from practice.models import SupervisionLink
    from screening.policy import DEFAULT_POLICY
    from screening.services import practice_policy

    from .models import CheckInEscalation

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
