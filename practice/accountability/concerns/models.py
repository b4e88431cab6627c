"""Client concerns about a practitioner (boundary, conduct, billing, anything).

A concern goes to the practitioner's supervisors and the practice's accountability contact,
never to the practitioner, who sees it only once a reviewer shares it. Concerns and their
entries are append-only: status changes and notes are new entries; nothing is deleted.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Concern(models.Model):
    class Category(models.TextChoices):
        BOUNDARY = "boundary", "Boundaries (touch, relationship, contact outside sessions)"
        CONDUCT = "conduct", "Conduct or professionalism"
        SAFETY = "safety", "Safety during or after a session"
        BILLING = "billing", "Billing or money"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Received"
        IN_REVIEW = "in_review", "Being reviewed"
        RESOLVED = "resolved", "Resolved"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="concerns")
    about = models.ForeignKey("practice.Membership", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Concern about {self.about.user} ({self.get_category_display()})"


class ConcernEntry(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", "From the client"
        REVIEWER = "reviewer", "Reviewer's note"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    author = models.ForeignKey("practice.Membership", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=5000, blank=True)
    status = models.CharField(max_length=16, choices=Concern.Status.choices, blank=True)
    share = models.BooleanField(default=False, help_text="The reviewer shares the concern with the practitioner.")
    reply = models.TextField(max_length=5000, blank=True, help_text="A reviewer's answer that the client reads.")
    session = models.ForeignKey("therapy_sessions.TherapySession", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The session the concern is about, when a reviewer links one.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.concern}"
