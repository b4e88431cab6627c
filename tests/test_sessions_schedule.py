"""Scheduling and starting medicine sessions through the readiness checklist, on the database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.consent import selectors as consent_selectors
from clients.consent import services as consent_services
from clients.consent.models import ConsentSignature
from screening.models import PsychologicalScreening
from screening.services import version_save
from sessions.flightplans import services as flightplans
from sessions.models import GateCheck, TherapySession
from sessions.scheduling.selectors import local_start
from sessions.scheduling.services import session_set_status, session_start

BERLIN = ZoneInfo("Europe/Berlin")
SCREENER_NO = dict.fromkeys(PsychologicalScreening.SCREENER_FIELDS, False)  # every C-SSRS screener question: no


def make_ready(world, *, prior_sessions=3):
    prepare_client(client=world.client, therapist=world.therapist, admin=world.admin, prior_sessions=prior_sessions)


def prepare_client(*, client, therapist, admin, prior_sessions=3):
    """Everything a medicine session needs: screening, informed consent, a co-signed flight plan."""
    user = client.membership.user
    version_save(kind="intake", client=client, user=user, submit=True, answers={
        "legal_name": user.full_name, "time_zone": "Europe/Berlin", "date_of_birth": date(1985, 5, 5),
        "body_mass_kg": Decimal("70.0"), "emergency_contact_name": "Ed", "emergency_contact_phone": "1"})
    version_save(kind="medical", client=client, user=user, answers={}, submit=True)
    version_save(kind="medications", client=client, user=user, answers={"none_taken": True}, entries=[], submit=True)
    version_save(kind="psychological", client=client, user=user, answers={"followup_capacity": True, **SCREENER_NO},
                 submit=True)
    doc = consent_services.template_write(by=admin, kind="informed", title="Informed consent", body="Benefits, risks.")
    consent_services.consent_sign(client=client, user=user, version_id=doc.pk,
                                  text_sha256=consent_services.sha256(consent_selectors.render(doc, client)),
                                  typed_name=user.full_name, ip_address=None, user_agent="t")
    plan = flightplans.plan_save(client=client, author=therapist.user, content={
        "intentions": "x", "substance_test": "Reagent: MDMA", "recording": "none", "touch_allowed": ""})
    for signer, role in ((user, flightplans.CLIENT), (therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=client, user=signer, role=role, version_id=plan.pk, content_sha256=plan.content_sha256)
    for i in range(prior_sessions):
        TherapySession.objects.create(client=client, practitioner=therapist, kind="preparation", status="completed",
                                      scheduled_start=timezone.now() - timedelta(days=30 + 7 * i))


@pytest.fixture
def therapist(world):
    c = Client()
    c.force_login(world.therapist.user)
    return c


def schedule(c, world, *, days=10, at="09:30", kind="medicine", initial="125", booster="62.5", rationale=""):
    day = (timezone.now().astimezone(BERLIN) + timedelta(days=days)).date()
    return c.post(reverse("session_schedule", kwargs={"client_id": world.client.pk}), {
        "kind": kind, "day": str(day), "at": at, "initial_mg": initial, "booster_mg": booster, "rationale": rationale})


def test_a_prepared_client_is_scheduled_and_the_check_recorded(therapist, world):
    make_ready(world)
    response = schedule(therapist, world)
    assert response.status_code == 302, response.content.decode()[-2000:]
    session = TherapySession.objects.get(client=world.client, kind="medicine")
    assert session.scheduled_start.astimezone(BERLIN).time() == time(9, 30)
    check = GateCheck.objects.get(session=session)
    assert check.outcome == "ok" and check.stage == "schedule"


def test_refused_without_informed_consent_and_nothing_is_created(therapist, world):
    make_ready(world)
    sig = ConsentSignature.objects.get()
    consent_services.consent_revoke(signature=sig, user=world.client.membership.user, reason="")
    response = schedule(therapist, world, rationale="I would like to go ahead anyway, please.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Refused" in page and "No informed consent in force" in page
    assert not TherapySession.objects.filter(kind="medicine").exists()


def test_amber_lines_need_a_rationale_which_is_kept(therapist, world):
    make_ready(world, prior_sessions=2)
    response = schedule(therapist, world)
    assert response.status_code == 400 and "Only 2 prior session(s)" in response.content.decode()
    assert not TherapySession.objects.filter(kind="medicine").exists()
    response = schedule(therapist, world, rationale="Long-standing client of a colleague; two joint sessions.")
    assert response.status_code == 302
    check = GateCheck.objects.get()
    assert check.outcome == "rationale" and check.rationale.startswith("Long-standing")


def test_non_standard_dose_needs_a_rationale_and_above_ceiling_is_refused(therapist, world):
    make_ready(world)
    assert "differs from the standard" in schedule(therapist, world, initial="140", booster="").content.decode()
    refused = schedule(therapist, world, initial="150", booster="75", rationale="Needs more, per previous sessions.")
    assert refused.status_code == 400 and "ceiling" in refused.content.decode()
    assert not TherapySession.objects.filter(kind="medicine").exists()


@pytest.mark.parametrize("days_before,refused", [(13, True), (14, False)])
def test_spacing_from_the_last_medicine_session(therapist, world, days_before, refused):
    make_ready(world)
    planned = timezone.now().astimezone(BERLIN) + timedelta(days=10)
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                  status="completed", scheduled_start=planned - timedelta(days=days_before))
    # The screening must postdate that session for the rest of the checklist to pass.
    version_save(kind="medical", client=world.client, user=world.client.membership.user, answers={}, submit=True)
    response = schedule(therapist, world, rationale="Spacing discussed with the supervisor in detail.")
    page = response.content.decode()
    if refused:
        assert response.status_code == 400 and "absolute minimum" in page
    else:
        assert "absolute minimum" not in page


def test_start_rechecks_everything_at_that_moment(world):
    make_ready(world)
    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            scheduled_start=timezone.now() + timedelta(hours=1),
                                            planned_initial_mg=Decimal("125"), planned_booster_mg=Decimal("62.5"))
    consent_services.consent_revoke(signature=ConsentSignature.objects.get(), user=world.client.membership.user, reason="")
    with pytest.raises(ValidationError, match="red lines"):
        session_start(session=session, by=world.therapist)
    session.refresh_from_db()
    assert session.status == "scheduled" and not GateCheck.objects.exists()


def test_start_then_complete(world):
    make_ready(world)
    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            scheduled_start=timezone.now() + timedelta(hours=1),
                                            planned_initial_mg=Decimal("125"), planned_booster_mg=Decimal("62.5"))
    with pytest.raises(ValidationError):
        session_set_status(session=session, status="completed")  # not started yet
    session_start(session=session, by=world.therapist)
    session = session_set_status(session=session, status="completed")
    assert session.status == "completed" and session.ended_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        GateCheck.objects.update(rationale="changed")


def test_wall_clock_times_across_daylight_saving_changes(world):
    version_save(kind="intake", client=world.client, user=world.client.membership.user, submit=True,
                 answers={"legal_name": "Cora", "time_zone": "Europe/Berlin"})
    with pytest.raises(ValidationError, match="clocks change"):
        local_start(world.client, date(2027, 3, 28), time(2, 30))  # skipped in spring
    assert local_start(world.client, date(2027, 3, 28), time(9, 0)) == datetime(2027, 3, 28, 7, 0, tzinfo=ZoneInfo("UTC"))
    assert local_start(world.client, date(2027, 10, 31), time(2, 30)) == datetime(
        2027, 10, 31, 0, 30, tzinfo=ZoneInfo("UTC"))  # repeated in autumn: the first one
    assert local_start(world.client, date(2027, 3, 27), time(9, 0)) == datetime(2027, 3, 27, 8, 0, tzinfo=ZoneInfo("UTC"))


def test_sessions_in_the_past_and_bad_input_are_refused(therapist, world):
    response = schedule(therapist, world, days=-1, kind="therapy")
    assert response.status_code == 400 and "in the future" in response.content.decode()
    response = schedule(therapist, world, kind="therapy", initial="", booster="20")
    assert response.status_code == 400 and "initial dose before a booster" in response.content.decode()
    assert not TherapySession.objects.exists()


def test_a_second_practitioner_from_the_practice(therapist, world):
    day = (timezone.now().astimezone(BERLIN) + timedelta(days=3)).date()
    url = reverse("session_schedule", kwargs={"client_id": world.client.pk})
    data = {"kind": "therapy", "day": str(day), "at": "10:00"}
    assert therapist.post(url, {**data, "second_practitioner": str(world.outsider.pk)}).status_code == 400
    assert therapist.post(url, {**data, "second_practitioner": str(world.other_therapist.pk)}).status_code == 302
    assert TherapySession.objects.get().second_practitioner == world.other_therapist


def test_past_high_dose_sessions_count_by_the_dose_given(world):
    from sessions.livelog.models import DoseGiven
    from sessions.readiness.selectors import gate_facts

    make_ready(world)
    for i in range(5):  # planned at the standard, but 200 mg (2.86 mg/kg) was given each time
        s = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                          status="completed", scheduled_start=timezone.now() - timedelta(days=300 - 50 * i),
                                          planned_initial_mg=Decimal("125"))
        DoseGiven.objects.create(session=s, at=s.scheduled_start, which="initial", amount_mg=Decimal("200"), batch="b",
                                 test_result="ok", recorded_by=world.therapist)
    facts = gate_facts(client=world.client, practitioner=world.therapist, start=timezone.now() + timedelta(days=60),
                       initial_mg=Decimal("150"), booster_mg=None, stage="schedule")
    assert "high_dose_repeated" in {f.code for f in facts.flags}


def test_a_refusal_is_kept_with_its_red_lines_and_an_amber_block_is_not(world, therapist):
    """Issue 20: refusals at the readiness checklist are counted in the reports, so each is kept
    (after the refused step's own rollback), with the codes of the red lines that stood."""
    from sessions.readiness.models import GateRefusal

    response = schedule(therapist, world)  # nothing prepared: screening, consent and plan are red
    assert response.status_code == 400 and not TherapySession.objects.filter(kind="medicine").exists()
    refusal = GateRefusal.objects.get()
    assert (refusal.stage, refusal.session, refusal.client, refusal.by) == ("schedule", None, world.client, world.therapist)
    assert {"screening_incomplete", "informed_consent", "flight_plan"} <= set(refusal.codes)
    make_ready(world, prior_sessions=1)  # only an amber line (too few prior sessions) and no rationale: not a refusal
    assert schedule(therapist, world).status_code == 400 and GateRefusal.objects.count() == 1
    assert schedule(therapist, world, rationale="Known to me for years; we agreed on it.").status_code == 302
    session = TherapySession.objects.get(kind="medicine")
    consent_services.consent_revoke(signature=ConsentSignature.objects.get(), user=world.client.membership.user, reason="")
    with pytest.raises(ValidationError, match="red lines"):
        session_start(session=session, by=world.therapist)
    started = GateRefusal.objects.get(stage="start")
    assert started.session == session and started.codes == ["informed_consent"]
    page = therapist.get(reverse("reports")).content.decode()
    assert "No informed consent in force" in page and "Screening incomplete" in page
