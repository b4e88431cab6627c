"""Appointment reminders: one emailed row per session, sent through practice.delivery like
check-ins (claimed with a lease, sent once, stable Message-ID, retried from the database)."""

from __future__ import annotations

from django.db import models

from clients.caseload.models import Client
from practice.delivery import Deliverable
from sessions.scheduling.models import TherapySession


class SessionReminder(Deliverable):
    class Before(models.TextChoices):
        DAY = "day", "Before the session (the practice's lead time, a day by default)"
        WEEK = "week", "A week before (medicine sessions: time to prepare)"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="session_reminders")
    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="reminders")
    before = models.CharField(max_length=8, choices=Before.choices, default=Before.DAY)

    delivery_related = ("client__membership__user", "client__practice", "session")

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["session", "before"], name="reminder_once_per_session_and_time")]
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Reminder of {self.session}"

    @property
    def message_id(self) -> str:
        return f"<reminder-{self.pk}@practice.invalid>"
