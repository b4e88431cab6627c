"""A copy of a client's own records: the request, its state and the prepared zip.

What goes into the zip is built in the top layer (`practice/pages/records_copy.py`), since it
reads every app's records.

The zip is built by a Celery worker, never in a web request (a long history took longer than
the web server's timeout): the client asks for a copy, the portal says it is being prepared,
and the finished zip waits in the database (web and worker machines share nothing else) for
`VALID_FOR`, then is deleted. Who asked, when it was ready and when it was downloaded are in
the audit trail (`RecordsExport` is audited; the zip's bytes are not copied into it).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import Client

VALID_FOR = timedelta(days=1)  # how long a prepared copy can be downloaded
REUSE_WITHIN = timedelta(minutes=10)  # asking again this soon gives the same copy
LOST_AFTER = timedelta(minutes=5)  # a copy still "being prepared" this long is queued again


class RecordsExport(models.Model):
    class State(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARING)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True, help_text="The latest download.")
    size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client"], condition=models.Q(state="preparing"),
                                               name="records_export_one_preparing")]

    def __str__(self) -> str:
        return f"Records copy {self.pk}"

    @property
    def downloadable(self) -> bool:
        return self.state == self.State.READY and self.expires_at is not None and self.expires_at > timezone.now()


class RecordsExportFile(models.Model):
    """The zip of a ready export, deleted when it expires (not audited: a copy of audited rows)."""

    export = models.OneToOneField(RecordsExport, primary_key=True, on_delete=models.PROTECT, related_name="file")
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"Zip of {self.export_id}"



# --- services ------------------------------------------------------------------------------

def latest_export(client: Client) -> RecordsExport | None:
    return RecordsExport.objects.filter(client=client).order_by("-requested_at").first()


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
