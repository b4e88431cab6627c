"""The medicine-session day on a phone (issue 16): answers beside the button, the pinned emergency
bar and what was done about a sign, prefilled doses, the log in people's words, the past tense
after the session, and the outcome choices that fit the session's state."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.templatetags.phone import tel_href, tel_links
from sessions.flightplans import services as flightplans
from sessions.livelog.models import DoseGiven, SessionEvent, VitalsReading
from sessions.models import TherapySession

from . import factories, test_live_log
from .test_live_log import hhmm, log
from .test_sessions_schedule import make_ready

HTMX = {"HTTP_HX_REQUEST": "true"}

# The live log's fixtures: a medicine session in progress, and its therapist logged in.
running = test_live_log.running
therapist = test_live_log.therapist


def url(name, world, session, **kw):
    return reverse(name, kwargs={"client_id": world.client.pk, "session_id": session.pk, **kw})


def fever(therapist, world, session, **headers):
    data = {"vitals-token": str(uuid.uuid4()), "vitals-temperature_c": "39.0", "vitals-heart_rate": "96"}
    return therapist.post(url("session_live_record", world, session, kind="vitals"), data, **headers)


def sign_on_page(page: str) -> str:
    return re.search(r'name="sign" value="([0-9a-f]{12})"', page).group(1)


def test_a_fever_is_answered_beside_the_button_and_pins_the_bar_with_call_links(therapist, world, running):
    plan = flightplans.plan_save(client=world.client, author=world.therapist.user, content={
        "intentions": "x", "substance_test": "Reagent: MDMA", "recording": "none", "touch_allowed": "",
        "preferred_hospital": "St Mary's", "people_to_notify": "Ed (brother) 07700 900123"})
    for signer, role in ((world.client.membership.user, flightplans.CLIENT), (world.therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=world.client, user=signer, role=role, version_id=plan.pk,
                              content_sha256=plan.content_sha256)
    body = fever(therapist, world, running, **HTMX).content.decode()
    form, rest = body.split("</form>", 1)
    # The result is inside the form that was tapped, announced politely, with the new sign named.
    assert 'id="entry-vitals"' in form and 'role="status"' in form
    assert "Vitals recorded at" in form and "Emergency sign: Temperature 39.0" in form and "red bar" in form
    # The bar arrives out of band, announced once, with tap-to-call links and nothing dialled.
    bar = rest.split('id="emergency-bar"', 1)[1]
    assert 'hx-swap-oob="true"' in bar.split(">", 1)[0] and 'role="alert"' in bar
    assert 'href="tel:911"' in bar and 'href="tel:+16234737433"' in bar and 'href="tel:07700900123"' in bar
    assert "St Mary&#x27;s" in bar and "Nothing here calls anyone by itself" in bar


def test_bad_input_keeps_the_values_and_says_why_beside_the_button(therapist, world, running):
    data = {"vitals-token": str(uuid.uuid4()), "vitals-systolic": "120", "vitals-diastolic": "130",
            "vitals-heart_rate": "88"}
    body = therapist.post(url("session_live_record", world, running, kind="vitals"), data, **HTMX).content.decode()
    assert "Not recorded:" in body and "Diastolic must be lower than systolic" in body
    assert 'value="120"' in body and 'value="130"' in body and 'value="88"' in body
    assert not VitalsReading.objects.exists()
    # Without JavaScript: the whole page, 400, the same form kept with its values and selected.
    page = therapist.post(url("session_live_record", world, running, kind="vitals"), data)
    assert page.status_code == 400 and 'id="tab-vitals" value="vitals" checked' in page.content.decode()


def test_the_dose_refusal_is_answered_beside_the_dose_button(therapist, world, running):
    log(therapist, world, running, "dose", which="initial", amount_mg="125", batch="B1", test_result="ok", at_time=hhmm(120))
    data = {"dose-token": str(uuid.uuid4()), "dose-which": "extra", "dose-amount_mg": "150", "dose-batch": "B1",
            "dose-test_result": "ok"}
    body = therapist.post(url("session_live_record", world, running, kind="dose"), data, **HTMX).content.decode()
    form = body.split("</form>", 1)[0]
    assert 'id="entry-dose"' in form and "Refused: the total would be 275.0 mg" in form and 'role="alert"' in form


def test_what_was_done_about_a_sign_closes_it_once_with_its_time(therapist, world, running):
    fever(therapist, world, running)
    detail = therapist.get(url("session_detail", world, running)).content.decode()
    assert 'id="emergency-bar" class="pinned"' in detail and "Record what was done" in detail  # every page of it
    key = sign_on_page(detail)
    token = str(uuid.uuid4())
    data = {"sign": key, "from": "detail", f"outcome-{key}-sign": key, f"outcome-{key}-token": token,
            f"outcome-{key}-code": "medical_care", f"outcome-{key}-at_time": hhmm(10)}
    response = therapist.post(url("session_sign_outcome", world, running), data)
    assert response.status_code == 302 and response["Location"].endswith(url("session_detail", world, running))
    assert therapist.post(url("session_sign_outcome", world, running), data).status_code == 302  # a double tap
    [outcome] = SessionEvent.objects.filter(kind="outcome")
    assert outcome.code == "medical_care" and "Temperature 39.0" in outcome.text
    assert abs((timezone.now() - outcome.at) - timedelta(minutes=10)) < timedelta(minutes=1)
    assert 'id="emergency-bar" class="pinned">' in therapist.get(url("session_detail", world, running)).content.decode()
    assert "seek medical care now" not in therapist.get(url("session_detail", world, running)).content.decode()
    again = therapist.post(url("session_sign_outcome", world, running), {**data, f"outcome-{key}-token": str(uuid.uuid4())},
                           follow=True).content.decode()
    assert "already has an outcome" in again and SessionEvent.objects.filter(kind="outcome").count() == 1


def test_a_sign_outcome_needs_a_choice_and_a_real_sign(therapist, world, running):
    fever(therapist, world, running)
    key = sign_on_page(therapist.get(url("session_live", world, running)).content.decode())
    data = {"sign": key, f"outcome-{key}-sign": key, f"outcome-{key}-token": str(uuid.uuid4())}
    body = therapist.post(url("session_sign_outcome", world, running), data, **HTMX).content.decode()
    assert "Not recorded:" in body and "<details open>" in body and not SessionEvent.objects.filter(kind="outcome")
    assert therapist.post(url("session_sign_outcome", world, running), {**data, "sign": "nothex"}).status_code == 404
    other = Client()
    other.force_login(factories.member(world.other_practice, "therapist").user)  # another practice's therapist
    assert other.post(url("session_sign_outcome", world, running), data).status_code == 404


def test_doses_are_prefilled_from_the_plan_and_the_booster_is_one_tap(therapist, world, running):
    page = therapist.get(url("session_live", world, running)).content.decode()
    dose = page.split('id="entry-dose"', 1)[1].split("</form>", 1)[0]
    assert 'value="125.0"' in dose or 'value="125"' in dose
    assert 'value="Reagent: MDMA"' in dose  # the flight plan's substance test for the first dose
    log(therapist, world, running, "dose", which="initial", amount_mg="125", batch="B-17", test_result="Kit: MDMA",
        at_time=hhmm(100))
    dose = therapist.get(url("session_live", world, running)).content.decode().split('id="entry-dose"', 1)[1]
    dose = dose.split("</form>", 1)[0]
    assert '<option value="booster" selected>' in dose and 'value="B-17"' in dose and 'value="Kit: MDMA"' in dose
    assert "Record booster: 62.5 mg" in dose
    fields = dict(re.findall(r'name="(dose-[a-z_]+)"[^>]*value="([^"]*)"', dose))
    fields["dose-which"] = "booster"
    assert therapist.post(url("session_live_record", world, running, kind="dose"), fields).status_code == 302
    assert DoseGiven.objects.get(which="booster").amount_mg == Decimal("62.5")


def test_every_kind_of_entry_is_in_the_log_newest_first_in_words(therapist, world, running):
    def event(what, **fields):
        data = {"event-token": str(uuid.uuid4()), "event-kind": what, **{f"event-{k}": v for k, v in fields.items()}}
        assert therapist.post(url("session_live_record", world, running, kind="event"), data).status_code == 302

    log(therapist, world, running, "water", millilitres="250", at_time=hhmm(50))
    event("adverse", code="jaw_clenching", severity="mild", at_time=hhmm(40))
    event("food", text="Toast", at_time=hhmm(30))
    log(therapist, world, running, "vitals", heart_rate="80", at_time=hhmm(20))
    section = therapist.get(url("session_live", world, running)).content.decode().split('id="log"', 1)[1]
    order = [section.index(word) for word in ("Vitals</strong>", "Food or drink", "Jaw clenching", "Water</strong>: 250 ml")]
    assert order == sorted(order) and "jaw_clenching" not in section


def test_a_closed_session_reads_in_the_past_tense(therapist, world, running):
    log(therapist, world, running, "dose", which="initial", amount_mg="125", batch="B1", test_result="ok", at_time=hhmm(120))
    fever(therapist, world, running)
    key = sign_on_page(therapist.get(url("session_detail", world, running)).content.decode())
    closed = therapist.post(url("session_status", world, running),
                            {"status": "completed", f"outcome:{key}": "medical_care"}, follow=True).content.decode()
    assert "Session closed as completed at" in closed and "check-ins are scheduled for days 1, 3, 7, 14, 28" in closed
    page = therapist.get(url("session_live", world, running)).content.decode()
    assert "Session ended at" in page and "No booster was given" in page and "What was logged" in page
    assert "opens in" not in page and "open for" not in page and "seek medical care now" not in page
    assert "Emergency signs during this session" in page and "Medical care (doctor or hospital) at" in page
    assert 'hx-trigger="every 30s"' not in page and 'id="entry-' not in page


def test_the_outcome_choices_fit_the_session_state(therapist, world, running):
    scheduled = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                              scheduled_start=timezone.now() + timedelta(days=1))
    page = therapist.get(url("session_detail", world, scheduled)).content.decode()
    close = page.split('id="close-h"', 1)[1]
    assert "No-show: the client did not come" in close and "Cancelled" in close and 'value="completed"' not in close
    assert " checked" not in close.split("</form>")[0]  # nothing preselected
    assert therapist.post(url("session_status", world, scheduled), {"status": "completed"}).status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == "scheduled"  # not a choice for a session that has not started
    page = therapist.get(url("session_detail", world, running)).content.decode()
    assert "Close the session as completed" in page and "No-show" not in page.split('id="close-h"', 1)[1]


def test_starting_a_medicine_session_leads_into_its_log(therapist, world):
    make_ready(world)
    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            scheduled_start=timezone.now() + timedelta(minutes=5),
                                            planned_initial_mg=Decimal("125"))
    response = therapist.post(url("session_start", world, session), {"rationale": "Steady; reviewed together today."})
    assert response.status_code == 302 and response["Location"] == url("session_live", world, session)
    page = therapist.get(response["Location"]).content.decode()
    assert "Session started at" in page and 'id="entry-dose"' in page


def test_the_practice_sets_its_emergency_number(world, running):
    admin = Client()
    admin.force_login(world.admin.user)
    assert admin.post(reverse("practitioners"), {"acc-contact": "", "acc-emergency_number": "1 1 2",
                                                 "acc-preparation_items": "Bring warm socks"}).status_code == 302
    world.practice.refresh_from_db()
    assert world.practice.emergency_number == "1 1 2" and world.practice.preparation_items == "Bring warm socks"
    refused = admin.post(reverse("practitioners"), {"acc-contact": "", "acc-emergency_number": "call us"})
    assert "Use digits only" in refused.content.decode()
    world.practice.refresh_from_db()
    assert world.practice.emergency_number == "1 1 2"
    therapist = Client()
    therapist.force_login(world.therapist.user)
    fever(therapist, world, running)
    assert 'href="tel:112">Call 1 1 2</a>' in therapist.get(url("session_live", world, running)).content.decode()


@pytest.mark.parametrize(("text", "expected"), [
    ("Ed 07700 900123", 'Ed <a href="tel:07700900123">07700 900123</a>'),
    ("Mum +44 (20) 7946-0958, Dad", 'Mum <a href="tel:+442079460958">+44 (20) 7946-0958</a>, Dad'),
    ("<b>Ann</b> 555 0100", '&lt;b&gt;Ann&lt;/b&gt; <a href="tel:5550100">555 0100</a>'),
    ("Flat 12, room 4", "Flat 12, room 4"),  # too short to be a phone number
    ("", ""),
])
def test_phone_numbers_in_free_text_become_call_links(text, expected):
    assert tel_links(text) == expected


def test_a_dialable_number_keeps_only_digits_and_a_leading_plus():
    assert tel_href("+1 (623) 473-7433") == "tel:+16234737433" and tel_href("1+1 2") == "tel:112"


def test_a_supervisor_sees_the_bar_but_the_therapist_records_what_was_done(therapist, world, running):
    fever(therapist, world, running)
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    page = supervisor.get(url("session_live", world, running)).content.decode()
    assert "seek medical care now" in page and 'href="tel:911"' in page
    assert "Record what was done" not in page and "The client's therapist records what was done." in page

