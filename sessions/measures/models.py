"""A client's answers to a symptom measure, scored as the instrument's definition says then
(the definition is stored with them), and the acknowledgement of a danger answer. Append-only."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from clients.caseload.models import Client
from practice.models import Membership, Practice


class MeasureResponse(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="measure_responses")
    instrument_key = models.CharField(max_length=20)
    instrument_version = models.CharField(max_length=20)
    definition = models.JSONField(help_text="The instrument definition as answered.")
    slot = models.CharField(max_length=80, help_text="Which scheduled moment it answers (intake, before or after a session).")
    slot_label = models.CharField(max_length=120)
    answers = models.JSONField(help_text="Answers by item number.")
    total = models.PositiveSmallIntegerField()
    subscales = models.JSONField()
    band = models.CharField(max_length=200, help_text="The published severity band of the total.")
    danger = models.BooleanField(help_text="An answer that needs a practitioner at once (PHQ-9 question 9).")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [models.UniqueConstraint(fields=["client", "instrument_key", "slot"], name="measure_once_per_slot")]
        indexes = [models.Index(fields=["client", "submitted_at"]),
                   models.Index(fields=["-submitted_at"], condition=models.Q(danger=True), name="measure_danger")]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.total} ({self.slot_label})"


class MeasureAcknowledgement(models.Model):
    response = models.ForeignKey(MeasureResponse, on_delete=models.PROTECT, related_name="acknowledgements")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Acknowledgement of {self.response}"


class MeasureEscalation(models.Model):
    """A danger answer nobody acknowledged in time, raised to the therapists' supervisors (once)."""

    response = models.OneToOneField(MeasureResponse, on_delete=models.PROTECT, related_name="escalation")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Escalation of {self.response}"


class MeasureSchedule(models.Model):
    """When the practice asks the symptom measures; the newest row is in force (rows are
    versions: a change is a new row). Without one, the default of issue 20."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    at_intake = models.BooleanField(default=True, help_text="Ask once intake is submitted (the baseline).")
    before_medicine = models.BooleanField(default=True, help_text="Ask in the week before each medicine session.")
    first_follow_up_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="Weeks after a completed medicine session for the first follow-up (0: none).")
    second_follow_up_weeks = models.PositiveSmallIntegerField(
        default=12, help_text="Weeks after it for the second follow-up (0: none).")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(first_follow_up_weeks__lte=52, second_follow_up_weeks__lte=52),
            name="measure_schedule_within_a_year")]

    def __str__(self) -> str:
        return f"Symptom measure schedule of {self.practice}"
