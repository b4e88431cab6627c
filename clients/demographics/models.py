"""A client's answers to a state program's optional demographic form. Each submission is a
new version (append-only); the newest counts, and says whether the client opted out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clients.caseload.models import Client


class DemographicAnswers(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="demographic_answers")
    program = models.CharField(max_length=40, help_text="The state program, e.g. oregon.")
    form_version = models.CharField(max_length=40, help_text="The form definition answered, e.g. oregon-1.")
    number = models.PositiveIntegerField()
    answers = models.JSONField(help_text="Option keys by item key; a list for items with several answers.")
    opted_out = models.BooleanField(default=False, help_text="The client asked not to be counted in the report.")
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["client", "program", "number"], name="demographics_number")]

    def __str__(self) -> str:
        return f"Demographic answers {self.number} ({self.form_version})"
