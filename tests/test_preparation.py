"""A client's preparation list for a medicine session (issue 17, part 4): made from their signed
flight plan, ticked by the client on their phone, seen by the therapist on the session page and
on the day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.flightplans import services as flightplans
from sessions.models import PreparationTick, TherapySession
from sessions.preparation.rules import items

from .test_sessions_schedule import make_ready


def test_the_list_is_made_from_the_plan_in_its_own_words():
    plan = {"medication_pauses": "Pause ibuprofen from Monday", "substance_test": "Reagent kit: MDMA",
            "food": "Light breakfast", "water_limit": "0.5 L in the first 6 hours", "transport_home": "Taxi",
            "collected_by": "Lee", "checklist_labels": {"mania": "Sleep aid supplied"}}
    texts = [i.text for i in items(plan)]
    assert texts[0] == "Medicine pauses as agreed with your prescriber: Pause ibuprofen from Monday"
    assert "Your way home: Taxi, collected by Lee. No driving that day." in texts
    assert "The next day is kept free" in texts and "Sleep aid supplied" in texts
    assert [i.key for i in items({})] == ["sleep", "home", "next_day"]  # the plan's empty parts are left out
    own = items({}, "Bring comfortable clothes\n\n  Eat nothing after 08:00 ")
    assert [i.text for i in own[-2:]] == ["Bring comfortable clothes", "Eat nothing after 08:00"]
    assert own[-1].key.startswith("practice:") and own[-1].key != own[-2].key


@pytest.fixture
def medicine(world):
    make_ready(world)
    plan = flightplans.plan_save(client=world.client, author=world.therapist.user, content={
        "intentions": "x", "substance_test": "Reagent: MDMA", "recording": "none", "touch_allowed": "",
        "food": "Light breakfast", "transport_home": "Lee drives"})
    for signer, role in ((world.client.membership.user, flightplans.CLIENT), (world.therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=world.client, user=signer, role=role, version_id=plan.pk,
                              content_sha256=plan.content_sha256)
    return TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                         scheduled_start=timezone.now() + timedelta(hours=20),
                                         planned_initial_mg=Decimal("125"))


def test_the_client_ticks_and_the_therapist_sees_it(world, medicine):
    me = Client()
    me.force_login(world.client.membership.user)
    url = reverse("client_prepare", args=[medicine.pk])
    assert url in me.get(reverse("portal")).content.decode()
    page = me.get(url).content.decode()
    assert "The substance is tested: Reagent: MDMA" in page and "Food: Light breakfast" in page
    me.post(url, {"done": ["test", "food"]})
    me.post(url, {"done": ["test", "food"]})  # saved again unchanged: nothing more is written
    assert PreparationTick.objects.count() == 2
    me.post(url, {"done": ["test"]})  # food unticked: a new row, the earlier ones kept
    assert sorted(PreparationTick.objects.values_list("key", "done")) == [("food", False), ("food", True), ("test", True)]
    with pytest.raises(IntegrityError), transaction.atomic():
        PreparationTick.objects.update(done=False)  # append-only in the database
    therapist = Client()
    therapist.force_login(world.therapist.user)
    detail = therapist.get(reverse("session_detail", args=[world.client.pk, medicine.pk])).content.decode()
    assert "<strong>Done</strong>: The substance is tested" in detail and "Not yet: Food: Light breakfast" in detail
    assert "Preparation: 1 of" in therapist.get(reverse("today")).content.decode()
    assert "The client&#x27;s preparation list: 1 of" in detail  # in the readiness checklist too (information)


def test_only_the_client_ticks_and_only_before_the_session(world, medicine):
    from sessions.preparation.services import preparation_tick

    with pytest.raises(PermissionDenied):
        preparation_tick(session=medicine, by=world.therapist, done_keys={"test"})
    other = Client()
    other.force_login(world.outsider_client.membership.user)
    assert other.get(reverse("client_prepare", args=[medicine.pk])).status_code == 404
    TherapySession.objects.filter(pk=medicine.pk).update(status="in_progress")
    me = Client()
    me.force_login(world.client.membership.user)
    page = me.post(reverse("client_prepare", args=[medicine.pk]), {"done": ["test"]}, follow=True).content.decode()
    assert "Nothing was saved" in page and not PreparationTick.objects.exists()
