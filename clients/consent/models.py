"""Consent templates (versioned), signatures and revocations. All rows are append-only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client
from practice.models import Membership, Practice


class ConsentKind(models.TextChoices):
    INFORMED = "informed", "Informed consent to MDMA-assisted therapy"
    TOUCH = "touch", "Touch contract"
    RECORDING = "recording", "Recording of sessions"
    SUPERVISION = "supervision", "Supervision and consultation disclosure"
    CONTACT_EMAIL = "contact_email", "Contact by email for check-ins"
    RESEARCH = "research", "Research and data sharing"


class ConsentTemplate(models.Model):
    """One document per kind per practice; its text lives in versions."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="consent_templates")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "kind"], name="consent_template_one_per_kind")]
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ConsentTemplateVersion(models.Model):
    """The text of a consent document as an admin wrote it. Editing makes a new version."""

    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=50000)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # A correction (a typo, a phone number) keeps earlier signatures in force; it says why.
    needs_resign = models.BooleanField(default=True, help_text="Clients who signed an earlier version sign again.")
    correction_reason = models.TextField(max_length=2000, blank=True,
                                         help_text="Why this version does not need signing again.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="consent_version_number"),
            models.CheckConstraint(condition=models.Q(needs_resign=True) | ~models.Q(correction_reason=""),
                                   name="consent_correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class ConsentDraft(models.Model):
    """An admin's unpublished text of a document, one per kind: changed freely, previewed, then
    published (and removed). Not a clinical record; its changes are audited all the same."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=50000)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "kind"], name="consent_draft_one_per_kind")]

    def __str__(self) -> str:
        return f"Draft of {self.get_kind_display()}"


class ConsentSignature(models.Model):
    """A client's signature of one version, with the exact text they saw and its hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consent_signatures")
    version = models.ForeignKey(ConsentTemplateVersion, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=200)
    rendered_text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["client", "-signed_at"])]

    def __str__(self) -> str:
        return f"{self.version} signed by {self.typed_name}"


class ConsentRevocation(models.Model):
    """Withdrawal of a signed consent. The signature itself is never changed."""

    signature = models.OneToOneField(ConsentSignature, on_delete=models.PROTECT, related_name="revocation")
    revoked_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=2000, blank=True)

    def __str__(self) -> str:
        return f"Revocation of {self.signature}"
