"""Thin Celery tasks for check-ins: ids in, services do the work. Names are those the tasks had
before they moved here (`sessions.tasks.*`), so beat and queued messages survive a deploy."""

from celery import shared_task

from practice.tasking import send_and_chain
from sessions.checkins import services
from sessions.measures import services as measures


@shared_task(name="sessions.tasks.dispatch_due_checkins")
def dispatch_due_checkins() -> int:
    """Run by beat every minute: start chains of batches of due check-ins (practice/delivery.py)."""
    return services.dispatch(send_checkin_batch.delay)


@shared_task(name="sessions.tasks.send_checkin_batch")
def send_checkin_batch(ids: list[str]) -> dict[str, int]:
    return send_and_chain(services, send_checkin_batch, ids)


@shared_task(name="sessions.tasks.send_checkin")
def send_checkin(checkin_id: str) -> str:
    return services.send(checkin_id)


@shared_task(name="sessions.tasks.notify_danger")
def notify_danger(answer_id: int) -> int:
    """Kept for messages queued before danger alerts went through `notify_attention`."""
    return services.notify_danger_now(answer_id)


@shared_task(name="sessions.tasks.checkin_followups")
def checkin_followups() -> dict:
    """Run by beat every few minutes: reminders, missed check-ins, supervisor escalation (of danger
    check-in and questionnaire answers)."""
    return {"reminded": services.send_reminders(), "missed": services.mark_missed(),
            "escalated": services.escalate_unacknowledged(), "escalated_measures": measures.escalate_unacknowledged()}
