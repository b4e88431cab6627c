"""The Celery app. Tasks are thin: they take ids and call services.

Reliability settings live in settings.py (CELERY_*); why each one:
- task_acks_late: a message is acknowledged after the task finishes, so a worker that
  dies mid-task leaves it for another worker instead of losing it.
- task_reject_on_worker_lost: with late acks, a task whose pool process was killed (SIGKILL,
  OOM) while its parent worker lives is re-queued rather than marked failed. When the whole
  worker is killed, its unacknowledged messages wait in Redis for the visibility timeout
  (3,600 s) before another worker gets them; for deliveries the database lease (5 minutes,
  practice/delivery.py) recovers the rows first. Tasks must be idempotent, which the
  database-row-is-the-truth design gives us.
- worker_prefetch_multiplier=1: each pool process holds one unacknowledged message at a time
  (a prefork worker with N processes holds N), so a crash strands little and long tasks don't
  block short ones.
- soft/hard time limits: a hung SMTP or database call cannot pin a worker forever.
- JSON only (serializer and accept_content): no pickle, so a message on the broker can
  never execute code, and tasks cannot be handed model instances.
- visibility_timeout: Redis redelivers unacknowledged messages after this long. We
  never park ETA/countdown tasks for longer (scheduled work lives in database rows
  that beat dispatches), so redelivery cannot duplicate a long-delayed task.
- results ignored: the database row records what happened, not a result backend.
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings")

app = Celery("practice")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in each capability's `tasks.py`; their names stay those they were first queued under.
app.autodiscover_tasks(["practice", "practice.accountability.records", "clients.caseload", "sessions.checkins",
                        "sessions.surveys", "sessions.reminders"])

app.conf.beat_schedule = {
    "dispatch-due-checkins": {"task": "sessions.tasks.dispatch_due_checkins", "schedule": 60.0},
    "checkin-followups": {"task": "sessions.tasks.checkin_followups", "schedule": 300.0},
    "dispatch-due-surveys": {"task": "sessions.tasks.dispatch_due_surveys", "schedule": 60.0},
    "survey-followups": {"task": "sessions.tasks.survey_followups", "schedule": 900.0},
    "dispatch-due-reminders": {"task": "sessions.reminders.dispatch_due_reminders", "schedule": 60.0},
    "reminders-housekeeping": {"task": "sessions.reminders.reminders_housekeeping", "schedule": 900.0},
    "records-exports-housekeeping": {"task": "practice.tasks.records_exports_housekeeping", "schedule": 300.0},
    "clear-expired-sessions": {
        "task": "practice.tasks.clear_expired_sessions",
        "schedule": 3600.0,
    },
}


@signals.task_prerun.connect
def _audit_context(task=None, **_):
    """Audit rows written by a task name the task instead of a user or request."""
    from practice.audit.context import set_actor

    set_actor(path=f"celery:{task.name}" if task else "celery")
