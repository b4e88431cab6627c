"""Flight plans: every saved change is a new version; a version is final when both signed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client


class FlightPlanVersion(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="flight_plan_versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()  # the plan's fields, see sessions/flightplans/forms.py
    content_sha256 = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["client", "number"], name="flight_plan_number")]

    def __str__(self) -> str:
        return f"Flight plan v{self.number} of {self.client}"


class FlightPlanSignature(models.Model):
    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        THERAPIST = "therapist", "Therapist"

    version = models.ForeignKey(FlightPlanVersion, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=10, choices=Role.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "role"], name="flight_plan_one_signature_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature of {self.version}"


CLIENT, THERAPIST = FlightPlanSignature.Role.CLIENT, FlightPlanSignature.Role.THERAPIST
