"""Thin Celery tasks of appointment reminders: ids in, services do the work."""

from celery import shared_task

from practice.tasking import send_and_chain
from sessions.reminders import services


@shared_task(name="sessions.reminders.dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    """Run by beat every minute: start chains of batches of due reminders (practice/delivery.py)."""
    return services.dispatch(send_reminder_batch.delay)


@shared_task(name="sessions.reminders.send_reminder_batch")
def send_reminder_batch(ids: list[str]) -> dict[str, int]:
    return send_and_chain(services, send_reminder_batch, ids)


@shared_task(name="sessions.reminders.send_reminder")
def send_reminder(reminder_id: str) -> str:
    return services.send(reminder_id)


@shared_task(name="sessions.reminders.reminders_housekeeping")
def reminders_housekeeping() -> int:
    """Run by beat: reminders for upcoming sessions that lack one."""
    return services.reminders_missing()

