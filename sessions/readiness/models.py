"""The readiness checklist as kept: one GateCheck per scheduling or start of a medicine session."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from practice.models import Membership
from sessions.scheduling.models import TherapySession


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


class GateRefusal(models.Model):
    """The readiness checklist refused to schedule, move or start a medicine session: which red
    lines stood. Kept for the reports (refusals and their reasons); append-only."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="gate_refusals")
    session = models.ForeignKey(TherapySession, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="Empty when a new session was refused.")
    stage = models.CharField(max_length=10, choices=[("schedule", "Scheduling"), ("start", "Starting")])
    codes = models.JSONField(help_text="The codes of the red lines, in checklist order.")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} refused ({', '.join(self.codes)})"
