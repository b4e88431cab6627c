"""The live medicine-session log: order of doses, double taps, ranges, alerts, water, htmx."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.livelog.models import DoseGiven, SessionEvent, VitalsReading, WaterIntake
from sessions.models import TherapySession

from .test_sessions_schedule import make_ready


@pytest.fixture
def running(world):
    make_ready(world)
    return TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                         status="in_progress", started_at=timezone.now() - timedelta(hours=3),
                                         scheduled_start=timezone.now() - timedelta(hours=3),
                                         planned_initial_mg=Decimal("125"), planned_booster_mg=Decimal("62.5"))


@pytest.fixture
def therapist(world):
    c = Client()
    c.force_login(world.therapist.user)
    return c


def log(c, world, session, kind, token=None, **fields):
    data = {f"{kind}-token": str(token or uuid.uuid4()), **{f"{kind}-{k}": v for k, v in fields.items()}}
    return c.post(reverse("session_live_record", kwargs={"client_id": world.client.pk, "session_id": session.pk,
                                                         "kind": kind}), data)


def hhmm(minutes_ago):
    from zoneinfo import ZoneInfo

    return (timezone.now() - timedelta(minutes=minutes_ago)).astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")


def test_doses_in_order_and_a_double_tap_records_once(therapist, world, running):
    response = log(therapist, world, running, "dose", which="booster", amount_mg="62.5", batch="B1", test_result="ok")
    assert response.status_code == 400 and "initial dose first" in response.content.decode()
    token = uuid.uuid4()
    for _ in range(2):  # a double tap
        assert log(therapist, world, running, "dose", token=token, which="initial", amount_mg="125", batch="B1",
                   test_result="Reagent: MDMA", at_time=hhmm(120)).status_code == 302
    assert DoseGiven.objects.count() == 1
    early = log(therapist, world, running, "dose", which="booster", amount_mg="62.5", batch="B1", test_result="ok",
                at_time=hhmm(150))
    assert early.status_code == 400 and "before the initial dose" in early.content.decode()
    assert log(therapist, world, running, "dose", which="booster", amount_mg="62.5", batch="B1", test_result="ok",
               at_time=hhmm(10)).status_code == 302
    over = log(therapist, world, running, "dose", which="extra", amount_mg="20", batch="B1", test_result="ok")
    assert over.status_code == 400 and "above the ceiling" in over.content.decode()
    assert DoseGiven.objects.count() == 2


@pytest.mark.parametrize("fields,message", [
    ({"temperature_c": "60"}, "Temperature above 44 °C is not possible"),
    ({"temperature_c": "45"}, "Temperature above 44 °C is not possible"),    # the probe's 45 °C
    ({"temperature_c": "29.9"}, "Temperature below 30 °C is not possible"),
    ({"systolic": "20", "diastolic": "300"}, "Systolic below 50 mmHg is not possible"),
    ({"systolic": "301", "diastolic": "100"}, "Systolic above 300 mmHg is not possible"),
    ({"heart_rate": "19"}, "Heart rate below 20 bpm is not possible"),
    ({"heart_rate": "251"}, "Heart rate above 250 bpm is not possible"),
    ({"spo2": "49"}, "SpO2 below 50 % is not possible"),
    ({"spo2": "101"}, "SpO2 above 100 % is not possible"),
    ({"systolic": "120", "diastolic": "130"}, "lower than systolic"),
    ({}, "at least one reading"),
    ({"temperature_c": "42.0"}, "Unusual: Temperature 42.0 °C"),               # possible: needs confirming
    ({"heart_rate": "190"}, "Unusual: Heart rate 190 bpm"),
    ({"systolic": "240", "diastolic": "120"}, "Unusual: Systolic 240 mmHg"),
    ({"spo2": "80"}, "Unusual: SpO2 80 %"),
])
def test_impossible_vitals_are_refused(therapist, world, running, fields, message):
    response = log(therapist, world, running, "vitals", **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert not VitalsReading.objects.exists()


@pytest.mark.parametrize("fields", [{"temperature_c": "44.0"}, {"temperature_c": "41.5"}, {"heart_rate": "250"},
                                    {"systolic": "300", "diastolic": "150"}, {"spo2": "50"}])
def test_unusual_but_possible_readings_are_recorded_once_confirmed(therapist, world, running, fields):
    assert log(therapist, world, running, "vitals", **fields).status_code == 400
    assert log(therapist, world, running, "vitals", **fields, confirmed="on").status_code == 302
    assert VitalsReading.objects.count() == 1


def test_times_in_the_future_are_refused(therapist, world, running):
    response = log(therapist, world, running, "water", millilitres="200", at_time=hhmm(-30))
    assert response.status_code == 400 and "in the future" in response.content.decode()
    assert not WaterIntake.objects.exists()


def test_a_fever_raises_the_emergency_alert_with_the_crisis_plan(therapist, world, running):
    live = reverse("session_live", kwargs={"client_id": world.client.pk, "session_id": running.pk})
    log(therapist, world, running, "vitals", temperature_c="38.5", systolic="130", diastolic="85", heart_rate="90")
    assert "seek medical care now" not in therapist.get(live).content.decode()
    log(therapist, world, running, "vitals", temperature_c="38.6", systolic="132", diastolic="86", heart_rate="92")
    page = therapist.get(live).content.decode()
    assert "seek medical care now" in page and "Temperature 38.6" in page


def test_water_running_total_warns_past_half_a_litre(therapist, world, running):
    log(therapist, world, running, "dose", which="initial", amount_mg="125", batch="B1", test_result="ok",
        at_time=hhmm(120))
    log(therapist, world, running, "water", millilitres="300")
    log(therapist, world, running, "water", millilitres="250")
    page = therapist.get(reverse("session_live", kwargs={"client_id": world.client.pk,
                                                         "session_id": running.pk})).content.decode()
    assert "550 ml of 500 ml" in page and "over the limit" in page


def test_htmx_requests_get_the_updated_log_in_place(therapist, world, running):
    response = therapist.post(
        reverse("session_live_record", kwargs={"client_id": world.client.pk, "session_id": running.pk, "kind": "event"}),
        {"event-token": str(uuid.uuid4()), "event-kind": "adverse", "event-code": "jaw_clenching",
         "event-severity": "mild"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "live-logged"
    # The answer replaces the form that was used (a fresh one, with the result under its button);
    # the timeline, the log and the emergency bar follow out of band.
    assert body.startswith('<form method="post"') and 'id="entry-event"' in body and "<html" not in body
    assert "Entry recorded at" in body and 'id="log" aria-labelledby="log-h" hx-swap-oob="true"' in body
    assert "Adverse effect</strong>: Jaw clenching (mild: handled in the session)" in body
    assert "jaw_clenching" not in body.split('id="log"')[1]
    assert 'id="emergency-bar" class="pinned" hx-swap-oob="true"' in body


def test_nothing_is_logged_unless_the_session_is_in_progress(therapist, world, running):
    TherapySession.objects.filter(pk=running.pk).update(status="completed")
    response = log(therapist, world, running, "water", millilitres="100")
    assert response.status_code == 400 and "not in progress" in response.content.decode()


def test_log_rows_are_append_only(therapist, world, running):
    log(therapist, world, running, "water", millilitres="100")
    with pytest.raises(IntegrityError), transaction.atomic():
        WaterIntake.objects.update(millilitres=5)



def test_dose_history_with_step_guidance_after_the_session(therapist, world, running):
    log(therapist, world, running, "dose", which="initial", amount_mg="125", batch="B1", test_result="ok",
        at_time=hhmm(150))
    log(therapist, world, running, "dose", which="booster", amount_mg="62.5", batch="B1", test_result="ok",
        at_time=hhmm(30))
    log(therapist, world, running, "dose", which="extra", amount_mg="12.5", batch="B1", test_result="ok",
        at_time=hhmm(10))
    detail = therapist.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).content.decode()
    assert "200.0 mg given" in detail and "2.86" in detail  # 200 mg at 70 kg
    assert "between 220.0 and 230.0 mg" in detail


def test_after_the_session_reminders_and_cyp2d6_window(therapist, world, running):
    from screening.services import version_save

    version_save(kind="medications", client=world.client, user=world.client.membership.user,
                 answers={"none_taken": False}, entries=[{"name": "metoprolol"}], submit=True)
    therapist.post(reverse("session_status", kwargs={"client_id": world.client.pk, "session_id": running.pk}),
                   {"status": "completed"})
    detail = therapist.get(reverse("session_detail", kwargs={"client_id": world.client.pk,
                                                             "session_id": running.pk})).content.decode()
    assert "CYP2D6 recovery after this session" in detail and "about 97% of normal activity" in detail
    me = Client()
    me.force_login(world.client.membership.user)
    portal = me.get(reverse("portal")).content.decode()
    assert "After your medicine session" in portal and "Do not drive" in portal


def test_the_schedule_page_shows_the_checklist_before_a_date_is_chosen(therapist, world):
    page = therapist.get(reverse("session_schedule", kwargs={"client_id": world.client.pk})).content.decode()
    assert "Readiness checklist for a medicine session" in page and "No informed consent in force" in page


def test_a_practice_can_lower_the_fever_threshold(therapist, world, running):
    from screening.services import policy_update

    policy_update(by=world.admin, values={"alert_temperature_c": Decimal("38.0")}, reason="Our medical lead's advice.")
    log(therapist, world, running, "vitals", temperature_c="38.2")
    page = therapist.get(reverse("session_live", kwargs={"client_id": world.client.pk,
                                                         "session_id": running.pk})).content.decode()
    assert "Temperature 38.2 °C (above 38.0 °C)" in page


def test_a_booster_outside_its_window_is_recorded_with_a_visible_warning(therapist, world, running):
    assert log(therapist, world, running, "dose", which="initial", amount_mg="125", batch="B1",
               test_result="Reagent: MDMA", at_time=hhmm(60)).status_code == 302
    live = reverse("session_live", kwargs={"client_id": world.client.pk, "session_id": running.pk})
    assert "Booster window opens in" in therapist.get(live).content.decode()
    assert log(therapist, world, running, "dose", which="booster", amount_mg="62.5", batch="B1",
               test_result="Reagent: MDMA").status_code == 302
    booster = DoseGiven.objects.get(which="booster")
    assert "outside the 1.5-2.5 h window" in booster.warning
    page = therapist.get(live).content.decode()
    assert "Warning: Booster given 1 h 00 min after the initial dose" in page or "outside the 1.5-2.5 h" in page
    assert "Booster window opens" not in page and "Booster given" in page
    assert log(therapist, world, running, "dose", which="booster", amount_mg="10", batch="B1",
               test_result="ok").status_code == 302
    assert "second booster" in DoseGiven.objects.filter(which="booster").latest("at").warning
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    review = supervisor.get(reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk}))
    assert "outside the 1.5-2.5 h window" in review.content.decode()


def test_closing_asks_what_became_of_each_emergency_sign(therapist, world, running):

    assert log(therapist, world, running, "vitals", temperature_c="39.0", at_time=hhmm(30)).status_code == 302
    detail = reverse("session_detail", kwargs={"client_id": world.client.pk, "session_id": running.pk})
    page = therapist.get(detail).content.decode()
    assert "What became of it?" in page and "Emergency services called" in page
    status = reverse("session_status", kwargs={"client_id": world.client.pk, "session_id": running.pk})
    refused = therapist.post(status, {"status": "completed"}, follow=True).content.decode()
    assert "Record what became of each emergency sign" in refused
    running.refresh_from_db()
    assert running.status == "in_progress"
    [key] = re.findall(r'name="outcome:([0-9a-f]{12})"', page)[:1]
    assert therapist.post(status, {"status": "completed", f"outcome:{key}": "medical_care"}).status_code == 302
    running.refresh_from_db()
    assert running.status == "completed"
    outcome = SessionEvent.objects.get(kind="outcome")
    assert outcome.code == "medical_care" and "Temperature 39.0" in outcome.text


def test_a_note_cannot_be_signed_with_adverse_events_empty_when_the_log_has_some(therapist, world, running):
    data = {"event-token": str(uuid.uuid4()), "event-kind": "adverse", "event-code": "nausea", "event-text": "Vomited once",
            "event-severity": "mild"}
    assert therapist.post(reverse("session_live_record", kwargs={"client_id": world.client.pk, "session_id": running.pk,
                                                                 "kind": "event"}), data).status_code == 302
    running.status = "completed"
    running.save(update_fields=["status"])
    url = reverse("session_note", kwargs={"client_id": world.client.pk, "session_id": running.pk})
    page = therapist.get(url).content.decode()
    assert "From the session log" in page and "adverse effect: Nausea, mild: handled in the session (Vomited once)" in page
    note = {"summary": "Worked on grief.", "worked_on": "Loss", "interventions": "Presence", "action": "sign"}
    for empty in ("", "none", "None."):
        response = therapist.post(url, {**note, "adverse_events": empty.rstrip(".")})
        assert response.status_code == 400 and "Describe them under Adverse events" in response.content.decode()
    assert therapist.post(url, {**note, "adverse_events": "Nausea at 2 h, vomited once; settled."}).status_code == 302


@pytest.mark.parametrize("severity, shown", [("mild", "Mild: handled in the session"),
                                             ("medical_care", "Needed medical care"),
                                             ("emergency", "Needed emergency services")])
def test_an_adverse_effect_is_recorded_with_how_serious_it_was(therapist, world, running, severity, shown):
    url = reverse("session_live_record", kwargs={"client_id": world.client.pk, "session_id": running.pk, "kind": "event"})
    data = {"event-token": str(uuid.uuid4()), "event-kind": "adverse", "event-code": "nausea", "event-severity": severity}
    assert therapist.post(url, data).status_code == 302
    event = SessionEvent.objects.get(kind="adverse")
    assert event.severity == severity
    page = therapist.get(reverse("session_live", kwargs={"client_id": world.client.pk, "session_id": running.pk}))
    assert f"Nausea ({shown.lower()})" in page.content.decode()


@pytest.mark.parametrize("severity", ["", "fatal", "MILD"])
def test_an_adverse_effect_without_a_known_severity_is_refused_and_nothing_is_written(therapist, world, running, severity):
    url = reverse("session_live_record", kwargs={"client_id": world.client.pk, "session_id": running.pk, "kind": "event"})
    data = {"event-token": str(uuid.uuid4()), "event-kind": "adverse", "event-code": "nausea", "event-severity": severity}
    response = therapist.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400) and not SessionEvent.objects.filter(kind="adverse").exists()
    assert "how serious" in response.content.decode() or "Select a valid choice" in response.content.decode()


def test_the_service_refuses_an_adverse_effect_without_severity(world, running):
    from django.core.exceptions import ValidationError

    from sessions.livelog.services import record

    with pytest.raises(ValidationError, match="how serious"):
        record(session=running, by=world.therapist, kind="event",
               data={"token": uuid.uuid4(), "kind": "adverse", "code": "nausea", "text": "", "severity": ""})
    assert not SessionEvent.objects.exists()
