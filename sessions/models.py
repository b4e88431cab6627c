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
    second_practitioner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="sessions_assisted")
    other_people = models.CharField(max_length=500, blank=True, help_text="Others present (sitter, witnesses).")
    planned_initial_mg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    planned_booster_mg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "scheduled_start"])]
        ordering = ["scheduled_start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session, {self.scheduled_start:%Y-%m-%d %H:%M} UTC"

    @property
    def planned_total_mg(self):
        if self.planned_initial_mg is None:
            return None
        return self.planned_initial_mg + (self.planned_booster_mg or 0)


class GateCheck(models.Model):
    """The readiness checklist as it stood when a medicine session was scheduled or started,
    with the therapist's rationale for any amber line. Append-only; supervisors read these."""

    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="gate_checks")
    stage = models.CharField(max_length=10, choices=[("schedule", "Scheduling"), ("start", "Starting")])
    lines = models.JSONField()  # [{"level", "code", "text", "fix"}]
    outcome = models.CharField(max_length=10)  # ok | rationale
    rationale = models.TextField(max_length=5000, blank=True)
    checked_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(outcome="rationale") | ~models.Q(rationale=""),
                                   name="gate_override_has_rationale"),
            models.CheckConstraint(condition=models.Q(outcome__in=["ok", "rationale"]), name="gate_never_refused"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} check of {self.session}"


# Flight plans live in their own module; importing them here registers the models.
from .checkins.models import CheckIn, CheckInAcknowledgement, CheckInAnswer, CheckInEscalation  # noqa: E402,F401
from .flightplans.models import FlightPlanSignature, FlightPlanVersion  # noqa: E402,F401
from .log import DoseGiven, SessionEvent, VitalsReading, WaterIntake  # noqa: E402,F401
from .notes import NoteAddendum, NoteCoSignature, SessionNote  # noqa: E402,F401
from .surveys import RuptureAcknowledgement, RuptureAlert, SurveyRequest, SurveyResponse, SurveySchedule  # noqa: E402,F401
