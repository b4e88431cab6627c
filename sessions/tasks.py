"""Thin Celery tasks: ids in, services do the work."""

from celery import shared_task

from . import survey_service
from .checkins import services as checkin_service


@shared_task
def dispatch_due_checkins() -> int:
    """Run by beat every minute: claim due check-ins and queue one send task each."""
    ids = checkin_service.claim_due()
    for checkin_id in ids:
        send_checkin.delay(checkin_id)
    return len(ids)


@shared_task
def send_checkin(checkin_id: str) -> str:
    return checkin_service.send(checkin_id)


@shared_task
def notify_danger(answer_id: int) -> int:
    return checkin_service.notify_danger_now(answer_id)


@shared_task
def checkin_followups() -> dict:
    """Run by beat every few minutes: reminders, missed check-ins, supervisor escalation."""
    return {"reminded": checkin_service.send_reminders(), "missed": checkin_service.mark_missed(),
            "escalated": checkin_service.escalate_unacknowledged()}


@shared_task
def dispatch_due_surveys() -> int:
    """Run by beat every minute, like the check-in dispatcher (same sender underneath)."""
    ids = survey_service.claim_due()
    for request_id in ids:
        send_survey.delay(request_id)
    return len(ids)


@shared_task
def send_survey(request_id: str) -> str:
    return survey_service.send(request_id)


@shared_task
def survey_followups() -> dict:
    """Run by beat: periodic surveys, reminders after 2 days, expiry after 7."""
    return {"scheduled": survey_service.schedule_periodic(), "reminded": survey_service.send_reminders(),
            "expired": survey_service.expire()}
