"""What happens during a medicine session, entry by entry. Every row is append-only.

Each form carries a one-time token; a double tap posts the same token twice and the second
write is refused by the unique constraint, so nothing is recorded twice.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from practice.models import Membership
from sessions.scheduling.models import TherapySession


class LogEntry(models.Model):
    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(help_text="When it happened.")
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    token = models.UUIDField(unique=True, default=uuid.uuid4)

    class Meta:
        abstract = True
        ordering = ["at", "recorded_at"]


class DoseGiven(LogEntry):
    class Which(models.TextChoices):
        INITIAL = "initial", "Initial dose"
        BOOSTER = "booster", "Booster"
        EXTRA = "extra", "Extra dose"

    which = models.CharField(max_length=10, choices=Which.choices)
    amount_mg = models.DecimalField(max_digits=5, decimal_places=1,
                                    validators=[MinValueValidator(1), MaxValueValidator(200)])
    batch = models.CharField(max_length=100)
    test_result = models.CharField(max_length=300)
    # Why this dose departs from the plan or the booster window (shown in the log and to the
    # supervisor); empty when it does not. Computed when it is recorded.
    warning = models.CharField(max_length=500, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.get_which_display()} {self.amount_mg} mg"


class VitalsReading(LogEntry):
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    temperature_c = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta(LogEntry.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(temperature_c__isnull=True) | models.Q(
                temperature_c__gte=30, temperature_c__lte=44), name="vitals_temperature_range"),
            models.CheckConstraint(condition=models.Q(systolic__isnull=True) | models.Q(
                systolic__gte=50, systolic__lte=300), name="vitals_systolic_range"),
            models.CheckConstraint(condition=models.Q(heart_rate__isnull=True) | models.Q(
                heart_rate__gte=20, heart_rate__lte=250), name="vitals_heart_rate_range"),
        ]

    def __str__(self) -> str:
        return f"Vitals at {self.at:%H:%M}"


class WaterIntake(LogEntry):
    millilitres = models.PositiveIntegerField(validators=[MinValueValidator(10), MaxValueValidator(2000)])

    def __str__(self) -> str:
        return f"{self.millilitres} ml water"


class SessionEvent(LogEntry):
    class Kind(models.TextChoices):
        FOOD = "food", "Food or drink (not water)"
        ARRIVED = "arrived", "Person arrived"
        LEFT = "left", "Person left"
        ADVERSE = "adverse", "Adverse effect"
        OBSERVATION = "observation", "Observation"
        OUTCOME = "outcome", "What was done about an emergency sign"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved without outside care"
        MEDICAL_CARE = "medical_care", "Medical care (doctor or hospital)"
        EMERGENCY_SERVICES = "emergency", "Emergency services called"

    class Severity(models.TextChoices):
        # The reporting programs count adverse reactions by the care they needed (issue 20).
        MILD = "mild", "Mild: handled in the session"
        MEDICAL_CARE = "medical_care", "Needed medical care"
        EMERGENCY_SERVICES = "emergency", "Needed emergency services"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.CharField(max_length=40, blank=True,
                            help_text="For adverse effects: the checklist item; for an outcome: what was done.")
    text = models.TextField(max_length=2000, blank=True)
    severity = models.CharField(max_length=16, choices=Severity.choices, blank=True, default="",
                                help_text="For adverse effects: how serious. Empty in entries made before it was asked.")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M}"
