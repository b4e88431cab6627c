"""A supervisor's "reviewed" mark on an item of a supervisee's work (append-only, audited)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ReviewMark(models.Model):
    class Item(models.TextChoices):
        NOTE = "note", "Unsigned note"
        CAUTION = "caution", "Caution acknowledgement"
        GATE = "gate", "Readiness override"
        CONSENT = "consent", "Touch or recording consent"
        RUPTURE = "rupture", "Alliance alert"
        DANGER = "danger", "Danger check-in"
        MEASURE = "measure", "Questionnaire answer about self-harm"
        CONCERN = "concern", "Client concern"
        DOSE = "dose", "Dose outside the plan or booster window"
        OPEN_SESSION = "open", "Medicine session left open"
        SUICIDE_SCREEN = "cssrs", "Screening answer about suicide"
        EMERGENCY = "emergency", "Medicine session with emergency signs"

    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey("practice.Membership", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey("practice.Membership", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", null=True, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=10, choices=Item.choices)
    item_id = models.CharField(max_length=64)
    note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["therapist", "item", "item_id"])]
        ordering = ["at"]

    def __str__(self) -> str:
        return f"Reviewed {self.get_item_display()} {self.item_id}"
