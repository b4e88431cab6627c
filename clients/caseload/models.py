"""Clients of a practice and the therapists whose caseload they are on."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from practice.models import Membership, Practice


class Stage(models.TextChoices):
    # Where a client is in the course of care; the therapist moves it on.
    INTAKE = "intake", "Intake"
    SCREENING = "screening", "Screening"
    PREPARATION = "preparation", "Preparation"
    MEDICINE = "medicine", "Medicine sessions"
    INTEGRATION = "integration", "Integration"
    CLOSED = "closed", "Closed"


class Client(models.Model):
    """A person receiving care in one practice (their login is `membership.user`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="client")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    checkins_paused = models.BooleanField(default=False, help_text="The client paused check-in emails.")
    checkin_days = models.JSONField(null=True, blank=True,
                                    help_text="Days after a medicine session for check-ins; empty: the practice default.")
    created_at = models.DateTimeField(default=timezone.now)
    stage_confirmed_at = models.DateTimeField(default=timezone.now,
                                              help_text="When a therapist last set or kept the stage.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "id"], name="client_practice_id")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.membership.user)


class CaseloadAssignment(models.Model):
    """A client on a therapist's caseload. Ended assignments are kept, not deleted."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT)
    therapist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="caseload")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assignments")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "client"], condition=models.Q(ended_at__isnull=True),
                name="caseload_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} on the caseload of {self.therapist.user}"


class CaseloadOrder(models.Model):
    """Derived, not a record: each active assignment's client name and email, kept by database
    triggers (migration 0014) so a therapist's caseload is read in name order straight from an
    index, one page at a time, whatever its size. A row exists while its assignment is active."""

    assignment = models.OneToOneField(CaseloadAssignment, primary_key=True, on_delete=models.DO_NOTHING,
                                      related_name="+")
    therapist = models.ForeignKey(Membership, on_delete=models.DO_NOTHING, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.DO_NOTHING, related_name="caseload_order")
    full_name = models.CharField(max_length=200)
    email = models.CharField(max_length=254)

    class Meta:
        indexes = [models.Index(fields=["therapist", "full_name", "email", "client"], name="caseload_order_by_name")]

    def __str__(self) -> str:
        return f"Caseload order of assignment {self.assignment_id}"
