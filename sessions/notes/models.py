"""Session notes: a draft until its author signs it; then locked, changed only by addenda."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from practice.models import Membership
from sessions.scheduling.models import TherapySession

# Fields of each note template, by session kind: (name, label, help).
WORDS_HELP = ("Write what the client said, in their words where you can. Do not conclude whether a remembered event "
              "happened. [Manual: Navigating Uncertain Memories]")
TEMPLATES = {
    "preparation": [("goals", "Goals", WORDS_HELP), ("education", "Education covered", ""),
                    ("questions", "Client's questions and answers given", "")],
    "medicine": [("summary", "Summary", WORDS_HELP), ("worked_on", "What was worked on", WORDS_HELP),
                 ("interventions", "Interventions", ""), ("adverse_events", "Adverse events", "Write 'none' if none.")],
    "integration": [("what_changed", "What changed, in the client's words", WORDS_HELP), ("plan", "Plan", "")],
    "therapy": [("summary", "Summary", WORDS_HELP), ("plan", "Plan", "")],
}


class SessionNote(models.Model):
    session = models.OneToOneField(TherapySession, on_delete=models.PROTECT, related_name="note")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["signed_at", "created_at"])]

    def __str__(self) -> str:
        return f"Note on {self.session}"


class NoteAddendum(models.Model):
    """A signed, timed correction or addition to a signed note."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=10000)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"Addendum to {self.note}"


class NoteCoSignature(models.Model):
    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="cosignatures")
    supervisor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(max_length=2000, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "supervisor"], name="note_cosign_once")]

    def __str__(self) -> str:
        return f"Co-signature of {self.note}"
