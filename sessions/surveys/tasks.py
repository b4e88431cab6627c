"""Thin Celery tasks for alliance surveys: ids in, services do the work. Names are those the
tasks had before they moved here (`sessions.tasks.*`), so beat and queued messages survive."""

from celery import shared_task

from practice.tasking import queue_each
from sessions.surveys import services


@shared_task(name="sessions.tasks.dispatch_due_surveys")
def dispatch_due_surveys() -> int:
    """Run by beat every minute, like the check-in dispatcher (same sender underneath)."""
    return queue_each(send_survey, services.claim_due())


@shared_task(name="sessions.tasks.send_survey")
def send_survey(request_id: str) -> str:
    return services.send(request_id)


@shared_task(name="sessions.tasks.survey_followups")
def survey_followups() -> dict:
    """Run by beat: periodic surveys, reminders and expiry (times: `practice.timing`)."""
    return {"scheduled": services.schedule_periodic(), "reminded": services.send_reminders(),
            "expired": services.expire()}
