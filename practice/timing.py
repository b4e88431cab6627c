"""When things happen: the follow-up and record-keeping clock, in one place.

The clinical numbers (doses, vitals, spacing) are the safety policy (`screening.policy`); this
is its sibling for time: check-ins, surveys, links, reminders and overdue records. Rules,
services, forms and templates read these values (templates get them as `timing`), so a
number shown is the number used. Sources are named beside each value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class Timing:
    # Integration check-ins after a medicine session [Manual: Between Sessions; Afterglow].
    checkin_days: tuple[int, ...] = (1, 3, 7, 14, 28)
    checkin_hour: int = 10  # on the client's clock: never inside the 21:00-08:00 quiet hours
    checkin_link_valid: timedelta = timedelta(days=7)
    checkin_remind_after: timedelta = timedelta(hours=24)
    checkin_missed_after_reminder: timedelta = timedelta(hours=48)
    checkin_longest_day: int = 90  # the latest day a client or therapist may choose

    # Alliance surveys (brwai.md: schedule, reminder after about 2 days, expiry after 7).
    survey_first_sessions: int = 5
    survey_after_medicine: bool = True
    survey_every_weeks: int = 4
    survey_remind_after: timedelta = timedelta(days=2)
    survey_valid_for: timedelta = timedelta(days=7)

    # Appointment reminders: one before every session, never inside the quiet hours (the client's
    # clock: no email from 21:00 until 08:00).
    reminder_before: timedelta = timedelta(hours=24)
    preparation_reminder_before: timedelta = timedelta(days=7)  # medicine sessions: a week to prepare
    quiet_from_hour: int = 21
    quiet_until_hour: int = 8

    # Planned length of a session by kind, in minutes: a medicine session takes the day (the
    # manual's timeline: onset, peak, plateau, comedown and time to settle before going home).
    session_minutes: tuple[tuple[str, int], ...] = (("preparation", 90), ("medicine", 480), ("integration", 60),
                                                    ("therapy", 50))
    longest_session_minutes: int = 24 * 60

    # Session records [Manual: Accountability; documentation].
    note_overdue_after: timedelta = timedelta(hours=72)
    session_open_too_long_after: timedelta = timedelta(hours=24)

    # A client's copy of their records can be downloaded for this long, then it is deleted.
    records_copy_valid_for: timedelta = timedelta(days=1)

    @property
    def checkin_days_text(self) -> str:
        *first, last = self.checkin_days
        return f"{', '.join(str(d) for d in first)} and {last}"

    @property
    def note_overdue_hours(self) -> int:
        return int(self.note_overdue_after.total_seconds() // 3600)

    @property
    def invitation_valid_days(self) -> int:
        """Set per deployment (environment INVITATION_VALID_DAYS), so read from the settings."""
        return settings.INVITATION_VALID_DAYS

    @property
    def session_open_too_long_hours(self) -> int:
        return int(self.session_open_too_long_after.total_seconds() // 3600)


TIMING = Timing()
