"""Therapy sessions. The sessions issue adds gates, dose plans and the live log."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from clients.models import Client
from practice.models import Membership


class Kind(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    MEDICINE = "medicine", "Medicine (MDMA)"
    INTEGRATION = "integration", "Integration"
    THERAPY = "therapy", "Ordinary therapy"


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class TherapySession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    practitioner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="sessions_led")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_start = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "scheduled_start"])]
        ordering = ["scheduled_start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session, {self.scheduled_start:%Y-%m-%d %H:%M} UTC"


# Flight plans live in their own module; importing them here registers the models.
from .flightplan import FlightPlanSignature, FlightPlanVersion  # noqa: E402,F401
