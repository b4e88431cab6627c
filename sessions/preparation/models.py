"""What a client ticked on their preparation list: one row per tick or untick (append-only; the
latest row of an item is its state)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from practice.models import Membership
from sessions.scheduling.models import TherapySession


class PreparationTick(models.Model):
    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="preparation_ticks")
    key = models.CharField(max_length=80)
    done = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["session", "key", "at"])]

    def __str__(self) -> str:
        return f"{'Ticked' if self.done else 'Unticked'} {self.key} for {self.session}"
