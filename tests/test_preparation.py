"""A client's preparation list for a medicine session (issue 17, part 4): made from their signed
flight plan, ticked by the client on their phone, seen by the therapist on the session page and
on the day."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions.flightplans import services as flightplans
from sessions.models import PreparationTick, TherapySession
from sessions.preparation.rules import NO_HALF_LIFE_PAUSE, items, pause_items, pause_window
from sessions.preparation.rules import Session as Counted
from sessions.scheduling.selectors import client_zone

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


# Medication pauses counted from half-lives (issue 17, part 4; domain guide section 3).
UTC = ZoneInfo("UTC")
AT_NINE = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
LAST_BOOSTER = timedelta(hours=2.5)


@pytest.mark.parametrize(("start", "half_life", "zone", "stop", "restart"), [
    # 3 x 11 h = 33 h before 09:00 is the midnight before the day before; 24 h after the 11:30 booster, rounded later
    (AT_NINE, 11, "UTC", datetime(2026, 12, 9, 0, 0, tzinfo=UTC), datetime(2026, 12, 11, 12, 0, tzinfo=UTC)),
    (AT_NINE, 4, "UTC", datetime(2026, 12, 9, 21, 0, tzinfo=UTC), datetime(2026, 12, 11, 12, 0, tzinfo=UTC)),
    # not on the hour: the last dose is rounded earlier, the restart later
    (AT_NINE.replace(minute=30), 2, "UTC", datetime(2026, 12, 10, 3, 0, tzinfo=UTC),
     datetime(2026, 12, 11, 12, 0, tzinfo=UTC)),
    # restart exactly on the hour stays there
    (AT_NINE.replace(hour=8, minute=30), 3, "UTC", datetime(2026, 12, 9, 23, 0, tzinfo=UTC),
     datetime(2026, 12, 11, 11, 0, tzinfo=UTC)),
    # a half-hour zone: whole hours of the client's clock (India, UTC+5:30)
    # (33 h before is 05:30 there: 05:00; the restart is 17:00 there, already whole)
    (AT_NINE, 11, "Asia/Kolkata", datetime(2026, 12, 8, 23, 30, tzinfo=UTC), datetime(2026, 12, 11, 11, 30, tzinfo=UTC)),
])
def test_pause_dates_are_three_half_lives_before_and_a_day_after_the_last_dose(start, half_life, zone, stop, restart):
    assert pause_window(start, half_life, LAST_BOOSTER, zone) == (stop, restart)


def test_pause_dates_count_real_hours_across_a_clock_change():
    # New York springs forward on 8 March 2026: 72 h before 09:00 on the 9th is 08:00 on the 6th.
    zone = "America/New_York"
    start = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo(zone))
    stop, _restart = pause_window(start, 24, LAST_BOOSTER, zone)
    assert stop == start.astimezone(UTC) - timedelta(hours=72)  # (aware arithmetic in a zone would be wall-clock)
    assert stop.astimezone(ZoneInfo(zone)).hour == 8


@settings(max_examples=200, deadline=None)
@given(start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
       half_life=st.floats(min_value=0.5, max_value=200, allow_nan=False),
       zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
                             "Australia/Lord_Howe"]))
def test_pause_dates_are_never_later_to_stop_or_earlier_to_restart(start, half_life, zone):
    stop, restart = pause_window(start, half_life, LAST_BOOSTER, zone)
    exact_stop = start - timedelta(hours=3 * half_life)
    exact_restart = start + LAST_BOOSTER + timedelta(hours=24)
    assert timedelta(0) <= exact_stop - stop < timedelta(hours=1)
    assert timedelta(0) <= restart - exact_restart < timedelta(hours=1)
    for moment in (stop, restart):
        assert moment.astimezone(ZoneInfo(zone)).minute == 0 and moment.second == 0


SESSION = Counted(AT_NINE, "UTC", LAST_BOOSTER)


@pytest.mark.parametrize(("text", "critical", "session", "expected"), [
    ("Ibuprofen 400 mg, paused", frozenset(), SESSION,
     "Ibuprofen: last dose by Thu 10 Dec, 03:00 at the latest, restart from Fri 11 Dec, 12:00 (UTC time): "
     "about 3 half-lives of 2 hours before the session, and 24 hours after its last dose."),
    ("Pause alprazolam as agreed", frozenset(), SESSION, "Alprazolam: last dose by Wed 9 Dec, 00:00"),
    # never for SSRIs, SNRIs or MAOIs: the effect outlasts the drug (domain guide 3)
    ("Zoloft tapered", frozenset(), SESSION, "Sertraline: its effects outlast the medicine"),
    ("venlafaxine", frozenset(), SESSION, "Venlafaxine: its effects outlast the medicine"),
    ("phenelzine", frozenset(), SESSION, "Phenelzine: its effects outlast the medicine"),
    # marked critical on the client's medication list: no dates suggested
    ("ibuprofen", frozenset({"ibuprofen"}), SESSION, "Ibuprofen: your medication list marks it as needed"),
    # depots and slow-release forms outlast the tablet's half-life
    ("haloperidol decanoate", frozenset(), SESSION, "Haloperidol: a long-acting or slow-release form"),
    ("Seroquel XR", frozenset(), SESSION, "Quetiapine: a long-acting or slow-release form"),
    # no half-life on file on purpose, or no session time yet
    ("terbinafine", frozenset(), SESSION, "Terbinafine: ask your prescriber for the dates."),
    ("lamotrigine", frozenset(), SESSION, "Lamotrigine: ask your prescriber for the dates."),
    ("ibuprofen", frozenset(), None, "Ibuprofen: ask your prescriber for the dates."),
])
def test_each_paused_medicine_gets_dates_or_the_reason_it_has_none(text, critical, session, expected):
    [item] = pause_items(text, session, critical)
    assert item.text.startswith(expected) and item.key == f"pause:{item.text.split(':')[0].lower()}"


def test_a_pause_text_naming_no_known_medicine_adds_nothing_and_the_plans_words_stay():
    assert pause_items("my herbal tea", SESSION) == []
    plan = {"medication_pauses": "Ibuprofen and diazepam"}
    texts = [i.text for i in items(plan, session=SESSION)]
    assert texts[0] == "Medicine pauses as agreed with your prescriber: Ibuprofen and diazepam"
    assert texts[1].startswith("Diazepam: last dose by Fri 27 Nov, 21:00") and texts[2].startswith("Ibuprofen:")


def test_every_half_life_in_the_table_is_a_plausible_number_and_none_where_a_pause_does_not_apply():
    from screening import medications as med

    entries = med.load_table().entries
    for entry in entries:
        if entry.classes & NO_HALF_LIFE_PAUSE:
            assert entry.half_life_hours is None, entry.name
        elif entry.half_life_hours is not None:
            assert 1 <= entry.half_life_hours <= 200, entry.name
    assert sum(e.half_life_hours is not None for e in entries) >= 50


def test_the_client_sees_pause_dates_on_their_list_unless_the_medicine_is_critical(world, medicine):
    from screening.services import version_save

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=5)
    TherapySession.objects.filter(pk=medicine.pk).update(scheduled_start=start)
    version_save(kind="medications", client=world.client, user=world.client.membership.user,
                 answers={"none_taken": False}, entries=[{"name": "Metoprolol 50mg", "critical": True},
                                                        {"name": "alprazolam"}], submit=True)
    plan = flightplans.plan_save(client=world.client, author=world.therapist.user, content={
        "intentions": "x", "substance_test": "Reagent: MDMA", "recording": "none", "touch_allowed": "",
        "medication_pauses": "Metoprolol and alprazolam, as Dr Shah agreed"})
    for signer, role in ((world.client.membership.user, flightplans.CLIENT), (world.therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=world.client, user=signer, role=role, version_id=plan.pk,
                              content_sha256=plan.content_sha256)
    me = Client()
    me.force_login(world.client.membership.user)
    page = me.get(reverse("client_prepare", args=[medicine.pk])).content.decode()
    assert "Metoprolol: your medication list marks it as needed for your health" in page
    # on the client's own clock (their intake's zone), named since the account's zone may differ
    zone = client_zone(world.client)
    stop = (start - timedelta(hours=33)).astimezone(zone)
    assert f"Alprazolam: last dose by {stop:%a} {stop.day} {stop:%b}, {stop:%H:%M} at the latest" in page
    assert f"({zone.key.replace('_', ' ')} time)" in page
