"""Alliance surveys (BR-WAI): requests delivered like check-ins, stored responses with their
instrument version and scores, rupture alerts and their acknowledgements."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from clients.caseload.models import Client
from practice.delivery import Deliverable
from practice.models import Membership, Practice
from sessions.scheduling.models import TherapySession


class SurveySchedule(models.Model):
    """When surveys go out; the newest row for a client overrides the newest for the practice.
    Rows are versions (append-only): a change is a new row."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_sessions = models.PositiveSmallIntegerField(
        default=5, help_text="A survey after each of this many first sessions with a practitioner.")
    after_medicine = models.BooleanField(default=True, help_text="A survey after every medicine session.")
    every_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="Then one every this many weeks (0: none).")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Survey schedule for {self.client or self.practice}"


class SurveyRequest(Deliverable):
    """One survey asking the client to rate one named practitioner."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="survey_requests")
    practitioner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TherapySession, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    instrument_key = models.CharField(max_length=40, default="brwai")
    slot = models.CharField(max_length=80, help_text="Why it was sent (session id or period), unique per pair.")

    delivery_related = ("client__membership__user", "client__practice", "practitioner__user")

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"]), models.Index(fields=["client", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["client", "practitioner", "slot"], name="survey_once_per_slot")]
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Alliance survey about {self.practitioner} ({self.slot})"

    @property
    def message_id(self) -> str:
        # Short enough that the header is never folded over two lines.
        return f"<survey-{self.pk}@practice.invalid>"



class SurveyResponse(models.Model):
    """A submitted survey: raw answers, the definition answered and the scores (append-only)."""

    request = models.OneToOneField(SurveyRequest, on_delete=models.PROTECT, related_name="response")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="survey_responses")
    practitioner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    instrument_key = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    definition = models.JSONField(help_text="The instrument definition as answered.")
    answers = models.JSONField(help_text="Raw answers by item number.")
    total = models.PositiveSmallIntegerField()
    subscales = models.JSONField()
    mean = models.DecimalField(max_digits=4, decimal_places=2)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "practitioner", "submitted_at"])]
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"Alliance rating of {self.practitioner}"


class RuptureAlert(models.Model):
    class Rule(models.TextChoices):
        DROP = "drop", "Drop from the previous rating"
        LOW_MEAN = "low_mean", "Low mean item score"
        REVERSE_ITEM = "reverse_item", "Negatively worded item answered often"

    response = models.ForeignKey(SurveyResponse, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    detail = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.response})"


class RuptureAcknowledgement(models.Model):
    alert = models.OneToOneField(RuptureAlert, on_delete=models.PROTECT, related_name="acknowledgement")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Acknowledgement of {self.alert}"
