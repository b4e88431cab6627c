"""The audit trail and the access log.

`AuditEvent` rows are written by a PostgreSQL trigger on every clinical table (see
`practice/audit/triggers.py`), so ORM saves, `queryset.update()`, bulk inserts and raw SQL
are all caught, with the before and after values. `AccessEvent` rows record staff reads of
client records, one row per request (`practice/audit/middleware.py`). Both tables are append-only in
the database; the app offers no edit or delete.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now)
    table_name = models.CharField(max_length=100)
    operation = models.CharField(max_length=10)  # insert | update | delete
    row_id = models.CharField(max_length=64)
    practice_id = models.UUIDField(null=True)
    client_id = models.UUIDField(null=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    request_id = models.UUIDField(null=True)
    ip = models.CharField(max_length=64, blank=True, null=True)
    path = models.CharField(max_length=300, blank=True, null=True)  # the URL path (opaque ids) or the Celery task
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)

    class Meta:
        # The log's own order (newest first, then by id), so a page is read straight from an index
        # even when many rows share a time (one transaction's changes do).
        indexes = [models.Index(fields=["practice_id", "-at", "-id"], name="auditevent_practice_newest"),
                   models.Index(fields=["client_id", "-at", "-id"], name="auditevent_client_newest")]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name} {self.row_id}"

    @property
    def kind(self) -> str:
        return self.table_name.split("_", 1)[-1].removeprefix("sessions_")

    @property
    def changed_fields(self) -> list[str]:
        """Which fields differ between old and new (all of them for an insert)."""
        old, new = self.old or {}, self.new or {}
        return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


class AccessEvent(models.Model):
    """A member read one or more clients' records (a page, a PDF, an export), or asked for a
    record and was refused (kind "refused": nothing was shown)."""

    class Kind(models.TextChoices):
        VIEW = "view", "Page view"
        PDF = "pdf", "PDF download"
        EXPORT = "export", "Export"
        REFUSED = "refused", "Refused attempt"
        SEARCH = "search", "Search"
        FEED = "feed", "Calendar feed fetched"
        REPORT = "report", "Report read (aggregate figures)"

    at = models.DateTimeField(default=timezone.now)
    practice_id = models.UUIDField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    clients = ArrayField(models.UUIDField(), help_text="Every client whose record the response showed.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VIEW)
    view = models.CharField(max_length=100)  # the URL name, e.g. client_detail
    path = models.CharField(max_length=300)
    ip = models.CharField(max_length=64, blank=True)
    request_id = models.UUIDField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["clients"]), models.Index(fields=["practice_id", "-at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} {self.kind} {self.view}"
