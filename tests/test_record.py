"""The client record (issue 18, part 2): a summary first, sections to jump between, submitted
forms read without opening an editor, and stage changes suggested by events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.caseload.rules import suggest_stage
from screening.services import version_save
from sessions.models import TherapySession

from .test_sessions_schedule import prepare_client

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
LATER = T0 + timedelta(days=3)
EARLIER = T0 - timedelta(days=3)


@pytest.mark.parametrize(("stage", "screened", "medicine", "expected"), [
    ("intake", LATER, None, "preparation"),
    ("screening", LATER, None, "preparation"),
    ("screening", EARLIER, None, None),  # kept after the screening was complete: not asked again
    ("preparation", LATER, None, None),
    ("preparation", EARLIER, LATER, "integration"),
    ("medicine", EARLIER, LATER, "integration"),
    ("medicine", EARLIER, EARLIER, None),
    ("integration", EARLIER, LATER, None),
    ("closed", LATER, LATER, None),
])
def test_events_after_the_stage_was_confirmed_suggest_the_next(stage, screened, medicine, expected):
    found = suggest_stage(stage=stage, confirmed_at=T0, screening_complete_at=screened, medicine_done_at=medicine,
                          medicine_day="4 Nov")
    assert (found.stage if found else None) == expected


@pytest.fixture
def therapist(world):
    c = Client()
    c.force_login(world.therapist.user)
    return c


def test_the_record_opens_on_who_the_client_is_and_what_needs_attention(world, therapist):
    user = world.client.membership.user
    version_save(kind="intake", client=world.client, user=user, submit=True, answers={
        "legal_name": "Cora Anne Client", "pronouns": "she/her", "time_zone": "Europe/Berlin",
        "date_of_birth": date(1985, 5, 5), "phone": "+49 30 1234", "emergency_contact_name": "Ed Client",
        "emergency_contact_relation": "brother", "emergency_contact_phone": "+49 30 9999"})
    soon = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                         scheduled_start=timezone.now() + timedelta(days=2))
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                  status="completed", scheduled_start=timezone.now() - timedelta(days=9))
    page = therapist.get(reverse("client_detail", args=[world.client.pk])).content.decode()
    summary = page.split('<header class="record-summary"', 1)[1].split("</header>", 1)[0]
    for text in ("Cora Anne Client", "she/her", "+49 30 1234", "Ed Client (brother)", "+49 30 9999",
                 f"{reverse('session_detail', args=[world.client.pk, soon.pk])}"):
        assert text in summary, text
    age = date.today().year - 1985 - ((date.today().month, date.today().day) < (5, 5))
    assert f"<dt>Age</dt><dd>{age}</dd>" in summary
    # sessions come before screening; the settings forms come last
    assert page.index('id="sessions-h"') < page.index('id="scr-h"') < page.index('id="plan-h"') \
        < page.index('id="checkins-h"') < page.index('id="settings-h"')
    sessions = page.split('id="sessions-h"', 1)[1].split("</section>", 1)[0]
    past = TherapySession.objects.get(client=world.client, status="completed")
    assert sessions.index(reverse("session_detail", args=[world.client.pk, soon.pk])) < sessions.index(
        reverse("session_detail", args=[world.client.pk, past.pk]))  # upcoming first, then the past


def test_a_submitted_form_reads_without_an_editor_and_shows_what_changed(world, therapist):
    user = world.client.membership.user
    version_save(kind="medical", client=world.client, user=user, answers={"hypertension": True}, submit=True)
    version_save(kind="medical", client=world.client, user=user, answers={"hypertension": False, "hyperthyroidism": True},
                 submit=True)
    record = therapist.get(reverse("client_detail", args=[world.client.pk])).content.decode()
    url = reverse("client_form_read", args=[world.client.pk, "medical", 2])
    assert f'<a href="{url}">version 2' in record
    page = therapist.get(url).content.decode()
    assert "What changed from version 1" in page and "Saving starts version" not in page and "<form" not in \
        page.split("<main", 1)[1]
    changes = page.split('id="changes-h"', 1)[1].split("</section>", 1)[0]
    assert "<td>High blood pressure (hypertension)</td><td>Yes</td><td><strong>No</strong></td>" in changes
    assert "<td>Overactive thyroid (hyperthyroidism)</td><td>No</td><td><strong>Yes</strong></td>" in changes
    assert changes.count("<tr>") == 3  # the header and the two answers that changed, nothing else
    assert therapist.get(reverse("client_form_read", args=[world.client.pk, "medical", 9])).status_code == 404
    other = Client()
    other.force_login(world.other_therapist.user)
    assert other.get(url).status_code == 404


def test_a_finished_medicine_session_suggests_integration_until_the_therapist_answers(world, therapist):
    prepare_client(client=world.client, therapist=world.therapist, admin=world.admin)
    type(world.client).objects.filter(pk=world.client.pk).update(stage="preparation",
                                                                 stage_confirmed_at=timezone.now() - timedelta(days=5))
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                  status="completed", scheduled_start=timezone.now() - timedelta(days=1),
                                  ended_at=timezone.now() - timedelta(hours=20))
    url = reverse("client_detail", args=[world.client.pk])
    page = therapist.get(url).content.decode()
    assert "Suggested: move to Integration." in page and "The medicine session of" in page
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    assert "Suggested: move to" not in supervisor.get(url).content.decode()  # only who may change it is asked
    therapist.post(reverse("client_stage", args=[world.client.pk]), {"stage": "preparation"})  # kept
    assert "Suggested: move to" not in therapist.get(url).content.decode()
    world.client.refresh_from_db()
    assert world.client.stage == "preparation"
