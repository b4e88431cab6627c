"""The appointment reminder email: the practice, the day and time on the client's clock and a
signed link to the portal. Not the kind of session, nothing clinical."""

from __future__ import annotations

from practice import delivery
from practice.emails import compose, link
from sessions.reminders.models import SessionReminder
from sessions.scheduling.selectors import client_zone

SALT = "practice.reminder-link"


def link_token(reminder: SessionReminder) -> str:
    return delivery.link_token(reminder, SALT)


def session_reminder(reminder: SessionReminder):
    user = reminder.client.membership.user
    when = reminder.session.scheduled_start.astimezone(client_zone(reminder.client))
    return compose(user.email, "reminder", {
        "name": user.get_short_name(), "practice": reminder.client.practice.name,
        # Formatted here, on the client's clock (a template's date filter would use the sender's zone).
        "day": f"{when:%A} {when.day} {when:%B}", "time": f"{when:%H:%M}", "zone": when.tzinfo.key.replace("_", " "),
        "link": link("reminder_link", link_token(reminder))},
        headers={"Message-ID": reminder.message_id})
