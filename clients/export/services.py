"""Writes of records copies: asking for one, handing it out, and housekeeping (expired copies
deleted, copies whose queue message was lost queued again)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.caseload.models import Client
from clients.export.models import RecordsExport, RecordsExportFile
from clients.export.selectors import latest_export

REUSE_WITHIN = timedelta(minutes=10)  # asking again this soon gives the same copy


LOST_AFTER = timedelta(minutes=5)  # a copy still "being prepared" this long is queued again


def export_request(*, client: Client, user) -> tuple[RecordsExport, bool]:
    """Ask for a copy: (the export, whether a new one was started). One at a time; a copy asked
    for in the last few minutes is given again rather than built twice."""
    current = latest_export(client)
    if current and (current.state == RecordsExport.State.PREPARING or (
            current.downloadable and current.requested_at > timezone.now() - REUSE_WITHIN)):
        return current, False
    try:
        with transaction.atomic():
            export = RecordsExport.objects.create(client=client, requested_by=user)
    except IntegrityError:  # a second request at the same moment: the first one stands
        return latest_export(client), False
    return export, True


def export_download(export: RecordsExport) -> bytes:
    RecordsExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    return bytes(RecordsExportFile.objects.get(export=export).content)


def exports_housekeeping() -> dict:
    """Delete expired zips; list copies whose build message was lost, to queue again."""
    now = timezone.now()
    with transaction.atomic():
        expired = list(RecordsExport.objects.filter(state=RecordsExport.State.READY, expires_at__lte=now)
                       .values_list("pk", flat=True))
        RecordsExportFile.objects.filter(export_id__in=expired).delete()
        RecordsExport.objects.filter(pk__in=expired).update(state=RecordsExport.State.EXPIRED)
    lost = list(RecordsExport.objects.filter(state=RecordsExport.State.PREPARING,
                                             requested_at__lt=now - LOST_AFTER).values_list("pk", flat=True))
    return {"expired": len(expired), "requeue": [str(pk) for pk in lost]}
