"""Appointment reminders (issue 17, part 4, first step): one before every session, outside the
quiet hours on the client's clock, only with the email-contact consent, nothing clinical in the
email, through the same sender as check-ins."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from practice.timing import TIMING
from sessions.models import SessionReminder, TherapySession
from sessions.reminders import services as svc
from sessions.reminders.rules import reminder_due
from sessions.scheduling.services import session_schedule, session_set_status

from .test_checkins import email_consent

BERLIN = ZoneInfo("Europe/Berlin")
DAY = timedelta(hours=24)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.mark.parametrize(("session", "before", "due"), [
    ("2026-12-08 10:00", DAY, "2026-12-07 10:00"),
    ("2026-12-08 20:59", DAY, "2026-12-07 20:59"),
    ("2026-12-08 21:00", DAY, "2026-12-07 20:00"),  # the quiet hours begin at 21:00
    ("2026-12-08 23:30", DAY, "2026-12-07 20:00"),
    ("2026-12-08 08:00", DAY, "2026-12-07 08:00"),  # they end at 08:00
    ("2026-12-08 07:30", DAY, "2026-12-07 08:00"),  # early: when they end, 23.5 h before
    ("2026-12-08 08:30", timedelta(hours=2), "2026-12-07 20:00"),  # 08:00 is too close: the evening before
    ("2026-03-30 10:00", DAY, "2026-03-29 10:00"),  # across the spring clock change: 23 h of wall clock
    ("2026-10-26 10:00", DAY, "2026-10-25 10:00"),  # across the autumn one
])
def test_when_the_reminder_goes(session, before, due):
    start = local(session)
    assert reminder_due(start, BERLIN, before, 21, 8) == local(due).astimezone(ZoneInfo("UTC"))


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
       st.sampled_from(["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland"]),
       st.integers(min_value=2, max_value=72))
def test_a_reminder_is_never_in_the_quiet_hours_and_always_before_the_session(naive, zone_name, hours):
    zone = ZoneInfo(zone_name)
    start = naive.replace(tzinfo=zone)
    due = reminder_due(start, zone, timedelta(hours=hours), 21, 8).astimezone(zone)
    assert 8 <= due.hour < 21 and due < start


def schedule(world, days=3, kind="therapy"):
    start = timezone.now() + timedelta(days=days)
    return session_schedule(client=world.client, practitioner=world.therapist, kind=kind, start=start)


def test_a_scheduled_session_gets_one_reminder_which_follows_it(world):
    session = schedule(world)
    reminder = SessionReminder.objects.get(session=session)
    assert reminder.due_at < session.scheduled_start and reminder.state == "scheduled"
    svc.reminder_schedule(session)
    assert SessionReminder.objects.count() == 1  # idempotent
    TherapySession.objects.filter(pk=session.pk).update(scheduled_start=session.scheduled_start + timedelta(days=2))
    session.refresh_from_db()
    svc.reminder_schedule(session)
    assert SessionReminder.objects.get().due_at > reminder.due_at + timedelta(days=1)  # moved with it
    session_set_status(session=session, status="cancelled")
    assert SessionReminder.objects.get().state == "cancelled"


def test_the_reminder_is_sent_once_with_no_clinical_content(world):
    type(world.practice).objects.filter(pk=world.practice.pk).update(time_zone="Europe/Berlin")  # no intake yet
    email_consent(world)
    session = schedule(world, days=1)
    TherapySession.objects.filter(pk=session.pk).update(kind="medicine")  # the kind is clinical: never in the email
    SessionReminder.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    [reminder_id] = svc.claim_due()
    assert svc.send(reminder_id) == "sent" and svc.send(reminder_id) == "skipped"
    [email] = mail.outbox
    body = email.body + email.alternatives[0][0]
    assert email.extra_headers["Message-ID"] == f"<reminder-{reminder_id}@practice.invalid>"
    assert world.practice.name in body and "Europe/Berlin" in body
    for clinical in ("medicine", "Medicine", "MDMA", "screening", "dose"):
        assert clinical not in body
    link = re.search(r"http://testserver(/r/[^/\s]+/)", email.body).group(1)
    response = Client().get(link)
    assert response.status_code == 302 and response["Location"] == reverse("portal") + "#appt-h"
    assert Client().get(link[:-3] + "x/").status_code == 410


def test_no_reminder_without_the_email_consent_but_a_pause_of_check_ins_does_not_stop_it(world):
    schedule(world, days=1)
    SessionReminder.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    [reminder_id] = svc.claim_due()
    assert svc.send(reminder_id) == "not_sent" and not mail.outbox
    assert "consent" in SessionReminder.objects.get().reason
    email_consent(world)
    type(world.client).objects.filter(pk=world.client.pk).update(checkins_paused=True)
    schedule(world, days=2)
    SessionReminder.objects.filter(state="scheduled").update(due_at=timezone.now() - timedelta(minutes=1))
    [second] = svc.claim_due()
    assert svc.send(second) == "sent"


def test_sessions_without_a_reminder_get_one(world):
    start = timezone.now() + timedelta(hours=30)
    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                            scheduled_start=start)
    assert svc.reminders_missing() == 1 and svc.reminders_missing() == 0
    assert SessionReminder.objects.get().session == session
    assert TIMING.reminder_before == DAY


def test_a_medicine_session_also_gets_a_reminder_a_week_before(world):
    far = session_schedule(client=world.client, practitioner=world.therapist, kind="therapy",
                           start=timezone.now() + timedelta(days=10))
    TherapySession.objects.filter(pk=far.pk).update(kind="medicine")
    far.refresh_from_db()
    svc.reminder_schedule(far)
    rows = {r.before: r for r in SessionReminder.objects.filter(session=far)}
    assert set(rows) == {"day", "week"}
    assert far.scheduled_start - rows["week"].due_at > timedelta(days=6)
    soon = schedule(world, days=3)
    TherapySession.objects.filter(pk=soon.pk).update(kind="medicine")
    soon.refresh_from_db()
    svc.reminder_schedule(soon)  # booked three days ahead: a week-before reminder has no time left
    assert list(SessionReminder.objects.filter(session=soon).values_list("before", flat=True)) == ["day"]


def test_a_practice_sets_its_reminder_lead_time_and_pending_reminders_follow(world):
    zone = svc.client_zone(world.client)
    start = datetime.combine(timezone.now().astimezone(zone).date() + timedelta(days=5), datetime.min.time(),
                             tzinfo=zone).replace(hour=14)
    session = session_schedule(client=world.client, practitioner=world.therapist, kind="therapy", start=start)
    reminder = SessionReminder.objects.get(session=session)
    assert reminder.due_at == start - DAY  # the default: a day before
    admin = Client()
    admin.force_login(world.admin.user)
    page = admin.get(reverse("practitioners")).content.decode()
    assert "When clients get their appointment reminder" in page and "Two days before" in page
    form = {"acc-contact": "", "acc-emergency_number": "", "acc-preparation_items": "", "acc-reminder_lead_hours": "48"}
    assert admin.post(reverse("practitioners"), form).status_code == 302
    reminder.refresh_from_db()
    assert reminder.due_at == start - timedelta(hours=48)  # the pending reminder moved
    world.client.practice.refresh_from_db()  # (as a new request would read it)
    later = session_schedule(client=world.client, practitioner=world.therapist, kind="therapy",
                             start=start + timedelta(days=1))
    assert SessionReminder.objects.get(session=later).due_at == start + timedelta(days=1) - timedelta(hours=48)
    # a value not offered is refused with a message; nothing changes
    page = admin.post(reverse("practitioners"), {**form, "acc-reminder_lead_hours": "1"}).content.decode()
    assert "Select a valid choice" in page
    world.practice.refresh_from_db()
    assert world.practice.reminder_lead_hours == 48
    # another practice's reminders are not touched
    therapist = Client()
    therapist.force_login(world.therapist.user)
    assert therapist.post(reverse("practitioners"), form).status_code in (403, 404)
