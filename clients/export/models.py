"""A copy of a client's own records: the request, its state and the prepared zip.

The zip is built by a Celery worker, never in a web request; what goes into it is built in the
top layer (practice/pages/records_copy.py), since it reads every app's records. The finished
zip waits in the database (web and worker machines share nothing else) for
TIMING.records_copy_valid_for, then is deleted. RecordsExport is audited (who asked, when it
was ready, when it was downloaded); the zip's bytes are not copied into the audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client


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
