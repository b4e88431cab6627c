"""Thin Celery tasks for alliance surveys: ids in, services do the work. Names are those the
tasks had before they moved here (`sessions.tasks.*`), so beat and queued messages survive."""

from celery import shared_task

from practice.tasking import send_and_chain
from sessions.surveys import services


@shared_task(name="sessions.tasks.dispatch_due_surveys")
def dispatch_due_surveys() -> int:
    """Run by beat every minute: start chains of batches of due surveys (practice/delivery.py)."""
    return services.dispatch(send_survey_batch.delay)


@shared_task(name="sessions.tasks.send_survey_batch")
def send_survey_batch(ids: list[str]) -> dict[str, int]:
    return send_and_chain(services, send_survey_batch, ids)


@shared_task(name="sessions.tasks.send_survey")
def send_survey(request_id: str) -> str:
    return services.send(request_id)


@shared_task(name="sessions.tasks.survey_followups")
def survey_followups() -> dict:
    """Run by beat: periodic surveys, reminders and expiry (times: `practice.timing`)."""
    return {"scheduled": services.schedule_periodic(), "reminded": services.send_reminders(),
            "expired": services.expire()}
