"""The appointment book: therapy sessions, their kinds and states.

It sits below screening in the layer order (screening reads a client's medicine-session history
for spacing and the lifetime limit), so it imports only practice and clients."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone

from clients.caseload.models import Client
from practice.models import Membership
from practice.timing import TIMING


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
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Planned length; empty: the usual length for the kind (practice.timing).")
    place = models.CharField(max_length=100, blank=True, help_text="A room, or \"Video\".")
    video_link = models.URLField(max_length=500, blank=True)
    change_reason = models.CharField(max_length=500, blank=True,
                                     help_text="Why it was last moved or cancelled (earlier reasons: the audit trail).")
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "scheduled_start"]),
                   # A practitioner's sessions by status: overdue notes, sessions left open, the day
                   # (read without scanning every session of a large caseload).
                   models.Index(fields=["practitioner", "status", "scheduled_start"], name="session_practitioner_status")]
        ordering = ["scheduled_start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session, {self.scheduled_start:%Y-%m-%d %H:%M} UTC"

    @property
    def kind_words(self) -> str:
        """The kind inside a sentence: "medicine (MDMA)", "ordinary therapy" (acronyms kept)."""
        label = self.get_kind_display()
        return label[:1].lower() + label[1:]

    @property
    def planned_minutes(self) -> int:
        return self.duration_minutes or dict(TIMING.session_minutes).get(self.kind, 60)

    @property
    def planned_end(self):
        return self.scheduled_start + timedelta(minutes=self.planned_minutes)

    @property
    def planned_total_mg(self):
        if self.planned_initial_mg is None:
            return None
        return self.planned_initial_mg + (self.planned_booster_mg or 0)


class CalendarFeed(models.Model):
    """A staff member's private calendar link. Only a hash of its secret is stored; making a new
    link or revoking it makes the old one stop working at once."""

    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="calendar_feed")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar link of {self.membership}"

