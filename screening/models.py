"""Screening forms (versioned), therapist classifications, and stored evaluations."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client
from clients.versioning import VersionedRecord
from practice.models import Membership, Practice


class Assessed(models.TextChoices):
    # A doctor's assessment of whether a condition is well managed and mild.
    YES = "yes", "Yes, a doctor assessed it as well managed and mild"
    NO = "no", "No, or not mild"
    NOT_ASSESSED = "not_assessed", "Not assessed by a doctor"


class CYP2D6Status(models.TextChoices):
    UNKNOWN = "unknown", "Not known"
    NORMAL = "normal", "Normal metabolizer"
    POOR = "poor", "Poor metabolizer"
    INTERMEDIATE = "intermediate", "Intermediate metabolizer"
    ULTRARAPID = "ultrarapid", "Ultrarapid metabolizer"


class MedicalScreening(VersionedRecord):
    hypertension = models.BooleanField(default=False)
    hypertension_controlled = models.BooleanField(null=True, blank=True)
    arrhythmia = models.BooleanField(default=False)
    qt_prolongation = models.BooleanField(default=False)
    heart_disease = models.BooleanField(default=False)
    liver_disease = models.BooleanField(default=False)
    hyperthyroidism = models.BooleanField(default=False)
    hyperthyroidism_assessed = models.CharField(max_length=16, choices=Assessed.choices, blank=True)
    other_serious_condition = models.BooleanField(default=False)
    other_condition_description = models.TextField(max_length=2000, blank=True)
    other_condition_assessed = models.CharField(max_length=16, choices=Assessed.choices, blank=True)
    seizures = models.BooleanField(default=False)
    pregnant = models.BooleanField(default=False)
    breastfeeding = models.BooleanField(default=False)
    cyp2d6_status = models.CharField(max_length=16, choices=CYP2D6Status.choices, default=CYP2D6Status.UNKNOWN)
    caffeine_mg_per_day = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(5000)])

    ANSWER_FIELDS = (
        "hypertension", "hypertension_controlled", "arrhythmia", "qt_prolongation", "heart_disease", "liver_disease",
        "hyperthyroidism", "hyperthyroidism_assessed", "other_serious_condition", "other_condition_description",
        "other_condition_assessed", "seizures", "pregnant", "breastfeeding", "cyp2d6_status", "caffeine_mg_per_day",
    )

    def __str__(self) -> str:
        return f"Medical screening v{self.number} of {self.client}"


class MedicationScreening(VersionedRecord):
    """A version of the client's list of medicines and substances (rows: MedicationEntry)."""

    none_taken = models.BooleanField(default=False, help_text="The client confirms they take nothing.")
    ANSWER_FIELDS = ("none_taken",)

    def __str__(self) -> str:
        return f"Medication list v{self.number} of {self.client}"


class MedicationEntry(models.Model):
    screening = models.ForeignKey(MedicationScreening, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    dose_text = models.CharField(max_length=200, blank=True)
    since = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(since__isnull=True) | models.Q(stopped_on__isnull=True)
                | models.Q(stopped_on__gte=models.F("since")),
                name="medication_stop_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PsychologicalScreening(VersionedRecord):
    psychosis_personal = models.BooleanField(default=False)
    psychosis_family = models.BooleanField(default=False)
    mania_personal = models.BooleanField(default=False)
    stimulant_addiction = models.BooleanField(default=False)
    # C-SSRS Screener (recent version), questions 1-6: yes, no, or None (not answered, never "no").
    cssrs_wish_dead = models.BooleanField(null=True, blank=True, default=None)
    cssrs_thoughts = models.BooleanField(null=True, blank=True, default=None)
    cssrs_method = models.BooleanField(null=True, blank=True, default=None)
    cssrs_intent = models.BooleanField(null=True, blank=True, default=None)
    cssrs_plan = models.BooleanField(null=True, blank=True, default=None)
    cssrs_behaviour = models.BooleanField(null=True, blank=True, default=None)
    cssrs_behaviour_recent = models.BooleanField(null=True, blank=True, default=None)
    dissociation = models.BooleanField(default=False)
    lives_with_abuser = models.BooleanField(default=False)
    followup_capacity = models.BooleanField(null=True, blank=True)
    ait_risk_factors = models.JSONField(default=list, blank=True)

    SCREENER_FIELDS = ("cssrs_wish_dead", "cssrs_thoughts", "cssrs_method", "cssrs_intent", "cssrs_plan",
                       "cssrs_behaviour")  # 6b is asked only after a yes to 6
    ANSWER_FIELDS = (
        "psychosis_personal", "psychosis_family", "mania_personal", "stimulant_addiction", "cssrs_wish_dead",
        "cssrs_thoughts", "cssrs_method", "cssrs_intent", "cssrs_plan", "cssrs_behaviour", "cssrs_behaviour_recent",
        "dissociation", "lives_with_abuser", "followup_capacity", "ait_risk_factors",
    )

    def __str__(self) -> str:
        return f"Psychological screening v{self.number} of {self.client}"


class SubstanceClassification(models.Model):
    """A therapist's classification of a substance name the medication table does not know.

    Append-only: a later classification of the same name supersedes an earlier one.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT)
    name_key = models.CharField(max_length=200, help_text="The name as normalised words, e.g. 'vitamin b'.")
    classes = models.JSONField(default=list)
    note = models.TextField(max_length=2000, blank=True)
    classified_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    classified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "name_key", "-classified_at"])]

    def __str__(self) -> str:
        return f"{self.name_key}: {', '.join(self.classes) or 'no interaction class'}"


class ScreeningReview(models.Model):
    """The rules' verdict on one set of submitted forms, stored as it was seen.

    Created whenever the intake or a screening form is submitted. A later change to the
    rules, the policy or the medication table never rewrites it.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="screening_reviews")
    created_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField()
    intake = models.ForeignKey("clients.IntakeVersion", null=True, on_delete=models.PROTECT, related_name="+")
    medical = models.ForeignKey(MedicalScreening, null=True, on_delete=models.PROTECT, related_name="+")
    medications = models.ForeignKey(MedicationScreening, null=True, on_delete=models.PROTECT, related_name="+")
    psychological = models.ForeignKey(PsychologicalScreening, null=True, on_delete=models.PROTECT, related_name="+")
    policy = models.JSONField()
    table_version = models.CharField(max_length=40)
    flags = models.JSONField()  # [{"tier", "code", "key", "digest", "reason", "section", "facts": [[k, v], ...]}]
    complete = models.BooleanField(help_text="All four forms had a submitted version.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"])]

    def __str__(self) -> str:
        return f"Screening review of {self.client} at {self.created_at:%Y-%m-%d %H:%M}"


class CautionAcknowledgement(models.Model):
    """A therapist's written rationale for proceeding despite one CAUTION flag.

    It applies to the same flag (code, substance and triggering facts) in later reviews, so a
    new version of an unrelated form does not ask again; changed facts do.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="caution_acknowledgements")
    review = models.ForeignKey(ScreeningReview, on_delete=models.PROTECT, related_name="acknowledgements")
    flag_key = models.CharField(max_length=300)
    flag_digest = models.CharField(max_length=64)
    rationale = models.TextField(max_length=5000)
    acknowledged_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [models.CheckConstraint(condition=~models.Q(rationale=""), name="acknowledgement_has_rationale")]

    def __str__(self) -> str:
        return f"Acknowledged {self.flag_key} for {self.client}"




class PolicyVersion(models.Model):
    """A practice's stricter settings for the safety rules; the latest version applies.

    Only settings that differ from the defaults are stored; `Policy.tighten` refuses any
    change that would relax a rule below the domain guide's default. Append-only.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="policy_versions")
    overrides = models.JSONField(default=dict)
    reason = models.TextField(max_length=2000)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Policy of {self.practice} from {self.created_at:%Y-%m-%d}"
