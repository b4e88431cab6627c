"""Thin Celery tasks for the clients app: ids in, services do the work."""

from celery import shared_task

from . import export


@shared_task(name="clients.tasks.build_records_export")
def build_records_export(export_id: str) -> str:
    return export.export_build(export_id)


@shared_task(name="clients.tasks.records_exports_housekeeping")
def records_exports_housekeeping() -> dict:
    """Run by beat: expired copies deleted, copies whose message was lost queued again."""
    result = export.exports_housekeeping()
    for export_id in result["requeue"]:
        build_records_export.delay(export_id)
    return {"expired": result["expired"], "requeued": len(result["requeue"])}
