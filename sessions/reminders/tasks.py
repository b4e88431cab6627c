"""Thin Celery tasks of appointment reminders: ids in, services do the work."""

from celery import shared_task

from practice.tasking import queue_each
from sessions.reminders import services


@shared_task(name="sessions.reminders.dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    """Run by beat every minute: claim due reminders and queue one send task each."""
    return queue_each(send_reminder, services.claim_due())


@shared_task(name="sessions.reminders.send_reminder")
def send_reminder(reminder_id: str) -> str:
    return services.send(reminder_id)


@shared_task(name="sessions.reminders.reminders_housekeeping")
def reminders_housekeeping() -> int:
    """Run by beat: reminders for upcoming sessions that lack one."""
    return services.reminders_missing()

