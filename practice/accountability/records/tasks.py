"""Thin Celery tasks of records copies. Names are those first queued (`practice.tasks.*`)."""

from celery import shared_task

from clients.export.services import exports_housekeeping
from practice.accountability.records.services import export_build


@shared_task(name="practice.tasks.build_records_export")
def build_records_export(export_id: str) -> str:
    """Build a client's copy of their records (top layer: it reads every app's records)."""
    return export_build(export_id)


@shared_task(name="practice.tasks.records_exports_housekeeping")
def records_exports_housekeeping() -> dict:
    """Run by beat: expired copies deleted, copies whose message was lost queued again."""
    result = exports_housekeeping()
    for export_id in result["requeue"]:
        build_records_export.delay(export_id)
    return {"expired": result["expired"], "requeued": len(result["requeue"])}
