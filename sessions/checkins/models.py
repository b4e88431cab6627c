"""Integration check-ins after medicine sessions. The database row is the source of truth:
Celery only carries ids, and every state change is a conditional update."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client
from practice.delivery import Deliverable
from practice.models import Membership
from sessions.scheduling.models import TherapySession


class CheckIn(Deliverable):
    """An integration check-in after a medicine session (delivery fields and states: Deliverable)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="checkins")
    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="checkins")
    day = models.PositiveSmallIntegerField(help_text="Days after the session.")

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"]), models.Index(fields=["client", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["session", "day"], name="checkin_one_per_day")]
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Check-in day {self.day} after {self.session}"



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

    class Meta:
        # Danger answers are few among all answers: the lists of them read this, not every answer.
        indexes = [models.Index(fields=["-submitted_at"], condition=models.Q(danger=True), name="answer_danger")]

    def __str__(self) -> str:
        return f"Answer to {self.checkin}"


class OpenAnswer(models.Model):
    """Derived, not a record: one row per answer no one has acknowledged yet and per therapist
    with the client on their caseload, kept by database triggers (migration 0027), so a
    therapist's inbox is walked in its own order on an index, one page at a time, however many
    answers the practice holds. Answers and acknowledgements are append-only: a row comes with
    its answer (or the assignment) and goes with the first acknowledgement (or the assignment's end).
    Not for safety work: escalation reads the answers themselves, assigned or not."""

    answer = models.ForeignKey(CheckInAnswer, on_delete=models.DO_NOTHING, related_name="open")
    therapist = models.ForeignKey(Membership, on_delete=models.DO_NOTHING, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.DO_NOTHING, related_name="+")
    danger = models.BooleanField()
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "therapist"], name="open_answer_once")]
        indexes = [models.Index(fields=["therapist", "-danger", "-submitted_at", "-answer"], name="open_answer_order")]

    def __str__(self) -> str:
        return f"Open answer {self.answer_id} for {self.therapist_id}"


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
