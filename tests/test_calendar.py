"""Calendars (issue 17, part 3): a private, revocable feed per staff member in RFC 5545 with
initials and kinds only, and an .ics for a client's own appointment."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.audit.models import AccessEvent
from sessions.models import CalendarFeed, TherapySession
from sessions.scheduling import ics


def staff(world):
    c = Client()
    c.force_login(world.therapist.user)
    return c


def new_link(c) -> str:
    page = c.post(reverse("calendar_link"), {"action": "renew"}).content.decode()
    return re.search(r'value="http://testserver(/calendar/[^"]+\.ics)"', page).group(1)


def test_a_staff_feed_is_private_revocable_and_carries_initials_and_kind_only(world):
    c = staff(world)
    start = timezone.now() + timedelta(days=2)
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                  scheduled_start=start, place="Room 2, north")
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                  scheduled_start=start + timedelta(days=1), status="cancelled")
    TherapySession.objects.create(client=world.outsider_client, practitioner=world.outsider_admin, kind="therapy",
                                  scheduled_start=start)
    path = new_link(c)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert CalendarFeed.objects.get().token_sha256 == hashlib.sha256(token.encode()).hexdigest()  # no secret kept
    response = Client().get(path)  # a calendar server: no login
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2 and "STATUS:CANCELLED" in body
    assert "SUMMARY:Medicine (MDMA) session\\, C.C." in body and "LOCATION:Room 2\\, north" in body
    assert "Cora" not in body and "Client" not in body.replace("C.C.", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in body
    # each fetch is in the access log, under its owner, with the clients shown and without the secret
    [fetch] = AccessEvent.objects.filter(kind="feed")
    assert fetch.actor == world.therapist.user and fetch.clients == [world.client.pk]
    assert token not in fetch.path and fetch.get_kind_display() == "Calendar feed fetched"
    newer = new_link(c)  # a new link: the old one stops at once
    assert Client().get(path).status_code == 404 and Client().get(newer).status_code == 200
    c.post(reverse("calendar_link"), {"action": "revoke"})
    assert Client().get(newer).status_code == 404


def test_a_client_adds_their_own_appointment_to_their_calendar(world):
    s = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                      scheduled_start=timezone.now() + timedelta(days=3))
    me = Client()
    me.force_login(world.client.membership.user)
    assert reverse("client_appointment_ics", args=[s.pk]) in me.get(reverse("portal")).content.decode()
    body = me.get(reverse("client_appointment_ics", args=[s.pk])).content.decode()
    assert "SUMMARY:Appointment\\, Harbour Practice" in body and "Medicine" not in body
    other = Client()
    other.force_login(world.outsider_client.membership.user)
    assert other.get(reverse("client_appointment_ics", args=[s.pk])).status_code == 404


def test_long_lines_are_folded_and_text_escaped():
    event = ics.Event(uid="u", start=datetime(2026, 12, 1, 9, tzinfo=UTC), end=datetime(2026, 12, 1, 10, tzinfo=UTC),
                      summary="x" * 200 + ";,\\ é" * 10)
    text = ics.calendar([event], name="N", now=datetime(2026, 11, 28, tzinfo=UTC))
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines) and any(line.startswith(" ") for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "\\;\\,\\\\ é" in unfolded
    assert ics.initials("Zoë  van der Berg") == "Z.V.D.B." and ics.initials("") == "?"
