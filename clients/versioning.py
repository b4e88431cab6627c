"""Forms that are kept as versions: one open draft per client, submitted versions frozen.

Editing after a submission starts a new draft from the latest submitted answers; the
submitted row itself never changes (a database trigger enforces it, see
practice/appendonly.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client


class VersionedRecord(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    # Fields copied into a new draft; set by each subclass.
    ANSWER_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="%(app_label)s_%(class)s_number"),
            models.UniqueConstraint(fields=["client"], condition=models.Q(submitted_at__isnull=True),
                                    name="%(app_label)s_%(class)s_one_draft"),
        ]

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    def answers(self) -> dict:
        return {name: getattr(self, name) for name in self.ANSWER_FIELDS}
