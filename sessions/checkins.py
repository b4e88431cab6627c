"""Integration check-ins after medicine sessions. The database row is the source of truth:
Celery only carries ids, and every state change is a conditional update."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from clients.models import Client
from practice.models import Membership

from .models import TherapySession


class CheckIn(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        ANSWERED = "answered", "Answered"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"
        NOT_SENT = "not_sent", "Not sent"  # no consent to email contact, or paused by the client
        UNDELIVERABLE = "undeliverable", "Undeliverable"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="checkins")
    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="checkins")
    day = models.PositiveSmallIntegerField(help_text="Days after the session.")
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)  # an error class, never message content
    reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_claimed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"]), models.Index(fields=["client", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["session", "day"], name="checkin_one_per_day")]
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Check-in day {self.day} after {self.session}"

    @property
    def message_id(self) -> str:
        # Stable per check-in, so a receiving system can drop a repeated delivery.
        return f"<checkin-{self.pk}@practice.invalid>"


class CheckInAnswer(models.Model):
    class Worsening(models.TextChoices):
        NONE = "none", "No worse"
        MILD = "mild", "A little worse"
        MODERATE = "moderate", "Moderately worse"
        SEVERE = "severe", "Much worse"

    checkin = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="answer")
    mood = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    sleep = models.CharField(max_length=10)
    worsening = models.CharField(max_length=10, choices=Worsening.choices)
    lasting_effects = models.TextField(max_length=2000, blank=True)
    urgent_symptoms = models.BooleanField(default=False)
    harm_thoughts = models.BooleanField()
    harm_intent = models.BooleanField(default=False)
    harm_plan = models.BooleanField(default=False)
    wants_contact = models.BooleanField(default=False)
    free_text = models.TextField(max_length=5000, blank=True)
    danger = models.BooleanField()
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Answer to {self.checkin}"


class CheckInEscalation(models.Model):
    """A danger answer not acknowledged in time, raised to the therapists' supervisors."""

    answer = models.OneToOneField(CheckInAnswer, on_delete=models.PROTECT, related_name="escalation")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Escalation of {self.answer}"


class CheckInAcknowledgement(models.Model):
    answer = models.ForeignKey(CheckInAnswer, on_delete=models.PROTECT, related_name="acknowledgements")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Acknowledgement of {self.answer}"
