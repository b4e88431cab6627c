"""Housekeeping tasks for the project app, and the records copy (top layer: it reads every app)."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def clear_expired_sessions() -> int:
    """Delete login sessions past their expiry (what `manage.py clearsessions` does)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="practice.tasks.build_records_export")
def build_records_export(export_id: str) -> str:
    """Build a client's copy of their records (top layer: it reads every app's records)."""
    from practice.pages.records_copy import export_build

    return export_build(export_id)


@shared_task(name="practice.tasks.records_exports_housekeeping")
def records_exports_housekeeping() -> dict:
    """Run by beat: expired copies deleted, copies whose message was lost queued again."""
    from clients.export.services import exports_housekeeping

    result = exports_housekeeping()
    for export_id in result["requeue"]:
        build_records_export.delay(export_id)
    return {"expired": result["expired"], "requeued": len(result["requeue"])}
