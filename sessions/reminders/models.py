"""Appointment reminders: one emailed row per session, sent through practice.delivery like
check-ins (claimed with a lease, sent once, stable Message-ID, retried from the database)."""

from __future__ import annotations

from django.db import models

from clients.caseload.models import Client
from practice.delivery import Deliverable
from sessions.scheduling.models import TherapySession


class SessionReminder(Deliverable):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="session_reminders")
    session = models.OneToOneField(TherapySession, on_delete=models.PROTECT, related_name="reminder")

    delivery_related = ("client__membership__user", "client__practice", "session")

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"])]
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Reminder of {self.session}"

    @property
    def message_id(self) -> str:
        return f"<reminder-{self.pk}@practice.invalid>"
