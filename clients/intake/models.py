"""The client intake form's record: one version per submission, drafts while in progress."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from clients.versioning import VersionedRecord
from practice.timezones import validate_time_zone


class IntakeVersion(VersionedRecord):
    legal_name = models.CharField(max_length=200, blank=True)
    preferred_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    address = models.TextField(max_length=1000, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relation = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    # [{"name", "relation", "contact", "may_contact"}]
    support_people = models.JSONField(default=list, blank=True)
    goals = models.TextField(max_length=5000, blank=True)
    therapy_history = models.TextField(max_length=5000, blank=True)
    psychedelic_history = models.TextField(max_length=5000, blank=True)
    external_mdma_sessions = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(1000)])
    last_external_mdma_session = models.DateField(null=True, blank=True)
    current_therapist = models.CharField(max_length=300, blank=True)
    current_prescriber = models.CharField(max_length=300, blank=True)
    body_mass_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True,
                                       validators=[MinValueValidator(20), MaxValueValidator(350)])

    ANSWER_FIELDS = (
        "legal_name", "preferred_name", "date_of_birth", "pronouns", "phone", "contact_email", "address", "time_zone",
        "emergency_contact_name", "emergency_contact_relation", "emergency_contact_phone", "support_people", "goals",
        "therapy_history", "psychedelic_history", "external_mdma_sessions", "last_external_mdma_session",
        "current_therapist", "current_prescriber", "body_mass_kg",
    )

    class Meta(VersionedRecord.Meta):
        constraints = [
            *VersionedRecord.Meta.constraints,
            models.CheckConstraint(condition=models.Q(body_mass_kg__isnull=True) | models.Q(body_mass_kg__gte=20,
                                   body_mass_kg__lte=350), name="intake_mass_plausible"),
        ]

    def __str__(self) -> str:
        return f"Intake v{self.number} of {self.client}"
