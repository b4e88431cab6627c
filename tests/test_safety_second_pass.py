"""Safety rules, second pass: the cases an independent review found laxer than the domain
guide. Each table reads like the guide; the review is run again with new cases, so these
test the rule, not an example."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest

from screening.rules import ALWAYS_AVOID, CAUTION, Facts, Substance, evaluate, status

from .test_screening_rules import ADULT, SESSION_DAY, taken


@pytest.fixture
def therapist(world):
    from django.test import Client

    c = Client()
    c.force_login(world.therapist.user)
    return c


def facts(**kw) -> Facts:
    return Facts(as_of=SESSION_DAY, **{**ADULT, **kw})


def flags_of(f: Facts, code_prefix: str) -> list:
    return [fl for fl in evaluate(f) if fl.code.startswith(code_prefix)]


# --- "Unknown drug names are never silently accepted" (Drug Interactions) ---------------

@pytest.mark.parametrize("since,stopped_on", [
    (date(2020, 1, 1), None),                              # still taking
    (date(2020, 1, 1), SESSION_DAY - timedelta(days=2)),   # stopped two days ago
    (date(2020, 1, 1), SESSION_DAY - timedelta(days=400)),  # stopped long ago
    (SESSION_DAY + timedelta(days=1), None),               # planned to start the day after
    (SESSION_DAY + timedelta(days=30), None),              # planned later
    (None, None),                                           # no dates at all
])
def test_an_unreviewed_substance_is_a_caution_whatever_its_dates(since, stopped_on):
    f = facts(substances=(Substance(name="Zyntrelix 5 mg", since=since, stopped_on=stopped_on),))
    [flag] = flags_of(f, "substance_unreviewed")
    assert flag.tier == CAUTION
    assert status(evaluate(f))[0] != "eligible"


def test_a_classified_substance_stopped_long_ago_raises_nothing():
    f = facts(substances=(Substance(name="Zyntrelix", reviewed=True, since=date(2020, 1, 1),
                                    stopped_on=SESSION_DAY - timedelta(days=400)),))
    assert not flags_of(f, "substance_unreviewed") and not flags_of(f, "other_substance")


# --- "MAOIs ... planned within the days after a session" (Drug Interactions) -------------

@pytest.mark.parametrize("name,starts_in,tier", [
    ("phenelzine", 1, ALWAYS_AVOID),
    ("phenelzine", 3, ALWAYS_AVOID),    # exactly the 3 days after: still inside
    ("phenelzine", 4, CAUTION),         # beyond the window: shown at once, with the date to plan around
    ("phenelzine", 90, CAUTION),
    ("selegiline", 10, CAUTION),
    ("Paxlovid", 5, CAUTION),           # ritonavir likewise
    ("sertraline", 10, None),           # not an MAOI: no planned-start flag
])
def test_a_planned_mao_inhibitor_shows_as_soon_as_it_is_entered(name, starts_in, tier):
    found = [fl for fl in evaluate(facts(substances=(taken(name, starts_in=starts_in),)))
             if fl.code.endswith(("_planned", "_planned_after"))]
    assert [fl.tier for fl in found] == ([tier] if tier else [])
    if tier == CAUTION:
        last_day = SESSION_DAY + timedelta(days=starts_in - 4)
        assert f"{last_day:%d %b %Y}" in found[0].reason


# --- Spacing and the lifetime limit count every session not cancelled (Session Frequency) -

@pytest.mark.parametrize("other,for_session,code", [
    (-5, True, "spacing_minimum"),            # one before
    (+5, True, "spacing_minimum"),            # one already booked after the new one
    (-13, True, "spacing_minimum"),
    (-14, True, "spacing_under_20_days"),     # exactly 14 days: not refused, warned hard
    (+14, True, "spacing_under_20_days"),
    (-19, True, "spacing_under_20_days"),
    (-20, True, "spacing_under_6_weeks"),     # exactly 20 days
    (+41, True, "spacing_under_6_weeks"),
    (-42, True, None),                        # exactly 6 weeks
    (+42, True, None),
    (0, True, "spacing_minimum"),             # the same day
    (+5, False, None),                        # the screening review judges sessions up to today only
    (-5, False, "spacing_minimum"),
])
def test_spacing_counts_sessions_on_both_sides(other, for_session, code):
    f = facts(medicine_sessions_in_app=(SESSION_DAY + timedelta(days=other),), for_session=for_session)
    assert [fl.code for fl in flags_of(f, "spacing")] == ([code] if code else [])


def test_hard_warning_reads_stronger_than_the_six_week_caution():
    [hard] = flags_of(facts(medicine_sessions_in_app=(SESSION_DAY - timedelta(days=15),)), "spacing")
    [soft] = flags_of(facts(medicine_sessions_in_app=(SESSION_DAY - timedelta(days=30),)), "spacing")
    assert hard.reason.startswith("Hard warning") and not soft.reason.startswith("Hard warning")


@pytest.mark.parametrize("in_app,external,flagged", [(239, 0, False), (200, 39, False), (240, 0, True), (200, 40, True)])
def test_lifetime_counts_sessions_booked_and_in_progress(in_app, external, flagged):
    days = tuple(SESSION_DAY - timedelta(days=100 + n) for n in range(in_app))
    assert bool(flags_of(facts(medicine_sessions_in_app=days, external_sessions=external), "lifetime")) is flagged


# --- On the database: sessions booked or left open count (Session Frequency) -------------

def _medicine(world, *, days, status="scheduled", started_days_ago=None):
    from django.utils import timezone

    from sessions.models import TherapySession

    now = timezone.now()
    return TherapySession.objects.create(
        client=world.client, practitioner=world.therapist, kind="medicine", status=status,
        scheduled_start=now + timedelta(days=days),
        started_at=now - timedelta(days=started_days_ago) if started_days_ago is not None else None)


@pytest.fixture
def ready(world):
    from .test_sessions_schedule import make_ready

    make_ready(world)
    return world


def test_a_second_medicine_session_days_after_a_booked_one_is_refused(ready, therapist):
    from sessions.models import TherapySession

    from .test_sessions_schedule import schedule

    _medicine(ready, days=10)
    response = schedule(therapist, ready, days=15, rationale="Client asked for an early second session.")
    assert response.status_code == 400 and "absolute minimum" in response.content.decode()
    response = schedule(therapist, ready, days=5, rationale="Client asked for an early second session.")
    assert response.status_code == 400 and "the next medicine session" in response.content.decode()
    assert TherapySession.objects.filter(kind="medicine").count() == 1


def test_a_session_left_in_progress_counts_from_its_start(ready, therapist):
    from .test_sessions_schedule import schedule

    _medicine(ready, days=-5, status="in_progress", started_days_ago=5)  # started five days ago, never closed
    response = schedule(therapist, ready, days=3, rationale="Client asked for an early second session.")
    assert response.status_code == 400 and "absolute minimum" in response.content.decode()


def test_cancelled_sessions_do_not_count(ready, therapist):
    from .test_sessions_schedule import schedule

    _medicine(ready, days=-5, status="cancelled")
    assert schedule(therapist, ready, days=10).status_code == 302


def test_starting_rechecks_against_every_other_session(ready, therapist):
    from django.core.exceptions import ValidationError

    from sessions.scheduling.services import session_start

    first = _medicine(ready, days=0.01)
    _medicine(ready, days=6)  # booked later (e.g. by a colleague) too close to the first
    with pytest.raises(ValidationError, match="Refused"):
        session_start(session=first, by=ready.therapist, rationale="")


# --- "Fluctuating or unstable blood pressure or heart rate" (When to Seek Emergency Care) --

def _readings(field, values):
    from datetime import datetime

    from sessions.livelog.rules import Reading

    t0 = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    return [Reading(t0 + timedelta(minutes=20 * i), **{field: v}) for i, v in enumerate(values)]


@pytest.mark.parametrize("field,values,alert", [
    ("heart_rate", [72, 87, 102], True),         # each step 15, 30 from the baseline
    ("heart_rate", [72, 84, 97], False),         # 25 from the baseline: not more than 25
    ("heart_rate", [72, 84, 98], True),          # 26
    ("heart_rate", [90, 75, 100, 80], False),    # within 25 of the baseline, range 25
    ("heart_rate", [90, 75, 101], True),         # range 75-101 = 26 although each is near the baseline
    ("systolic", [120, 148, 176], True),         # the review's case
    ("systolic", [120, 135, 150], False),        # exactly 30
    ("systolic", [120, 151], True),
    ("systolic", [150, 120], False),             # a fall of 30
    ("systolic", [150, 119], True),              # a fall of 31
])
def test_instability_is_judged_against_the_baseline_and_the_range(field, values, alert):
    from sessions.livelog.rules import emergency_signs

    readings = _readings(field, values)
    if field == "systolic":
        from dataclasses import replace

        readings = [replace(r, diastolic=80) for r in readings]
    assert bool([s for s in emergency_signs(readings, []) if s.startswith("Unstable")]) is alert


# --- Booster: "half the initial dose, taken 1.5 to 2.5 h after it" (Dosing) ----------------

@pytest.mark.parametrize("which,minutes,boosters,planned_booster,amount,expected", [
    ("booster", 60, 0, "62.5", "62.5", ["outside the 1.5-2.5 h window"]),
    ("booster", 89, 0, "62.5", "62.5", ["outside"]),
    ("booster", 90, 0, "62.5", "62.5", []),                  # exactly 1.5 h
    ("booster", 150, 0, "62.5", "62.5", []),                 # exactly 2.5 h
    ("booster", 151, 0, "62.5", "62.5", ["outside"]),
    ("booster", 100, 1, "62.5", "62.5", ["second booster"]),
    ("booster", 100, 0, None, "62.5", ["did not include"]),
    ("booster", 100, 0, "62.5", "50", ["differs from the planned 62.5"]),
    ("extra", 100, 1, "62.5", "20", ["extra dose beyond the plan"]),
    ("initial", 0, 0, "62.5", "125", []),
    ("initial", 0, 0, "62.5", "100", ["differs from the planned 125"]),
])
def test_doses_beyond_the_plan_or_window_are_recorded_with_a_warning(which, minutes, boosters, planned_booster,
                                                                     amount, expected):
    from datetime import datetime

    from sessions.livelog.rules import dose_warnings

    t0 = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    warnings = dose_warnings(which=which, at=t0 + timedelta(minutes=minutes), initial_at=t0 if which != "initial"
                             else None, boosters_given=boosters, planned_initial_mg=Decimal("125"),
                             planned_booster_mg=Decimal(planned_booster) if planned_booster else None,
                             amount_mg=Decimal(amount), window=(Decimal("1.5"), Decimal("2.5")))
    assert len(warnings) == len(expected) and all(e in w for e, w in zip(expected, warnings, strict=True))


def test_a_session_open_over_24_hours_is_on_the_attention_lists(ready, therapist):
    from django.test import Client
    from django.urls import reverse

    _medicine(ready, days=-2, status="in_progress", started_days_ago=1.1)
    assert "still in progress after 24 hours" in therapist.get(reverse("caseload")).content.decode()
    supervisor = Client()
    supervisor.force_login(ready.supervisor.user)
    page = supervisor.get(reverse("supervisee_review", kwargs={"therapist_id": ready.therapist.pk})).content.decode()
    assert "still in progress after 24 hours (1)" in page


def test_a_session_open_under_24_hours_is_not(ready, therapist):
    from django.urls import reverse

    _medicine(ready, days=0, status="in_progress", started_days_ago=0.5)
    assert "still in progress after 24 hours" not in therapist.get(reverse("caseload")).content.decode()


# --- "every CAUTION acknowledged" (Pre-Session Checklist): one by one, each its own rationale

def test_each_caution_is_acknowledged_on_its_own_at_scheduling(ready, therapist):
    from django.utils import timezone

    from screening.models import CautionAcknowledgement
    from screening.services import version_save
    from sessions.models import TherapySession

    from .test_sessions_schedule import schedule

    version_save(kind="medical", client=ready.client, user=ready.client.membership.user,
                 answers={"liver_disease": True, "seizures": True}, submit=True)
    TherapySession.objects.create(client=ready.client, practitioner=ready.therapist, kind="medicine",
                                  status="scheduled", scheduled_start=timezone.now() + timedelta(days=24))
    from sessions.flightplans import services as flightplans

    plan = flightplans.plan_save(client=ready.client, author=ready.therapist.user, content={
        "intentions": "y", "substance_test": "Reagent: MDMA", "recording": "none", "touch_allowed": ""})
    for signer, role in ((ready.client.membership.user, flightplans.CLIENT),
                         (ready.therapist.user, flightplans.THERAPIST)):  # signed again after the new screening
        flightplans.plan_sign(client=ready.client, user=signer, role=role, version_id=plan.pk,
                              content_sha256=plan.content_sha256)
    blanket = "I have considered every caution and judge it safe to proceed."
    response = schedule(therapist, ready, days=8, rationale=blanket)
    page = response.content.decode()
    assert response.status_code == 400 and "3 caution(s) each need their own rationale" in page
    assert 'name="ack:liver_disease"' in page and 'name="ack:seizure_history"' in page
    assert 'hard-warning' in page and "Hard warning: only 16 days" in page  # under 20 days reads stronger
    from .test_sessions_schedule import BERLIN

    day = (timezone.now().astimezone(BERLIN) + timedelta(days=8)).date()
    base = {"kind": "medicine", "day": str(day), "at": "09:30", "initial_mg": "125", "booster_mg": "62.5",
            "rationale": blanket}
    url = f"/clients/{ready.client.pk}/sessions/new/"
    one = therapist.post(url, {**base, "ack:liver_disease": "Hepatologist letter: mild, stable, normal enzymes."})
    assert one.status_code == 400 and "2 caution(s) each need their own rationale" in one.content.decode()
    assert not CautionAcknowledgement.objects.exists()  # a refused check writes nothing
    done = therapist.post(url, {**base, "ack:liver_disease": "Hepatologist letter: mild, stable, normal enzymes.",
                                "ack:seizure_history": "One febrile seizure in childhood; neurologist agrees.",
                                "ack:spacing_under_20_days": "Supervisor agreed: client stable, one-off shorter gap."})
    assert done.status_code == 302, done.content.decode()[-3000:]
    assert set(CautionAcknowledgement.objects.values_list("flag_key", flat=True)) == {
        "liver_disease", "seizure_history", "spacing_under_20_days"}


# --- The crisis plan in an emergency (When to Seek Emergency Care; Flight Plan) -----------

def _signed_plan(world, hospital="St Mary's", notify="Ed, my brother"):
    from sessions.flightplans import services as flightplans

    plan = flightplans.plan_save(client=world.client, author=world.therapist.user, content={
        "intentions": "x", "preferred_hospital": hospital, "people_to_notify": notify})
    for signer, role in ((world.client.membership.user, flightplans.CLIENT),
                         (world.therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=world.client, user=signer, role=role, version_id=plan.pk,
                              content_sha256=plan.content_sha256)
    return plan


def test_a_danger_answer_shows_the_crisis_plan_after_a_screening_update(client, world):
    from screening.services import version_save
    from sessions.flightplans.selectors import plan_in_force

    from .test_checkins import ANSWER, sent_checkin

    _signed_plan(world)
    version_save(kind="medical", client=world.client, user=world.client.membership.user, answers={}, submit=True)
    assert plan_in_force(world.client)[0] is None  # the gate wants a fresh plan; an emergency does not
    link = sent_checkin(world)
    page = client.post(link, {**ANSWER, "harm_thoughts": "yes", "harm_intent": "on"}).content.decode()
    assert "Ed, my brother" in page and "St Mary&#x27;s" in page and "flight plan version 1, signed" in page
    assert 'href="tel:+16234737433"' in page


def test_without_a_signed_plan_the_page_says_so(client, world):
    from .test_checkins import ANSWER, sent_checkin

    link = sent_checkin(world)
    page = client.post(link, {**ANSWER, "harm_thoughts": "yes", "harm_intent": "on"}).content.decode()
    assert "no crisis plan of your own" in page


def test_the_live_log_shows_the_latest_signed_crisis_plan(ready, therapist):
    from django.urls import reverse
    from django.utils import timezone

    from screening.services import version_save
    from sessions.models import TherapySession

    _signed_plan(ready, hospital="Riverside General")
    version_save(kind="medical", client=ready.client, user=ready.client.membership.user, answers={}, submit=True)
    session = TherapySession.objects.create(client=ready.client, practitioner=ready.therapist, kind="medicine",
                                            status="in_progress", started_at=timezone.now(),
                                            scheduled_start=timezone.now())
    page = therapist.get(reverse("session_live", kwargs={"client_id": ready.client.pk, "session_id": session.pk}))
    assert "Riverside General" in page.content.decode() and "From flight plan version" in page.content.decode()


# --- C-SSRS screener at intake (Psychological Risks) --------------------------------------

@pytest.mark.parametrize("answers,risk,words", [
    ({"wish_to_be_dead": True}, "low", "Low risk"),
    ({"suicidal_thoughts": True}, "low", "Low risk"),
    ({"thoughts_with_method": True}, "moderate", "Moderate risk"),
    ({"behaviour_lifetime": True, "behaviour_past_3_months": False}, "moderate", "Moderate risk"),
    ({"intent": True}, "high", "High risk"),
    ({"plan_with_intent": True}, "high", "High risk"),
    ({"behaviour_lifetime": True, "behaviour_past_3_months": True}, "high", "High risk"),
    ({}, None, None),
])
def test_any_yes_on_the_screener_is_a_caution_named_in_words(answers, risk, words):
    from screening.rules import SuicideScreen

    found = flags_of(facts(suicide_screen=SuicideScreen(**answers)), "suicide_risk")
    assert [fl.code for fl in found] == ([f"suicide_risk_{risk}"] if risk else [])
    if risk:
        assert found[0].tier == CAUTION and dict(found[0].facts)["risk_level"].startswith(words)


@pytest.mark.parametrize("answers,missing", [
    ({"wish_to_be_dead": None}, "1"),
    ({"intent": None, "plan_with_intent": None}, "4, 5"),
    ({"behaviour_lifetime": True, "behaviour_past_3_months": None}, "6b"),
    ({"behaviour_lifetime": False, "behaviour_past_3_months": None}, None),   # 6b is asked only after a yes
])
def test_a_skipped_screener_question_is_not_a_no(answers, missing):
    from screening.rules import SuicideScreen

    found = flags_of(facts(suicide_screen=SuicideScreen(**answers)), "cssrs_not_answered")
    assert [dict(fl.facts)["not_answered"] for fl in found] == ([missing] if missing else [])


def test_the_screener_is_yes_no_radios_and_a_yes_shows_support_and_alerts(client, world,
                                                                           django_capture_on_commit_callbacks):
    from django.urls import reverse

    from clients.caseload.services import notify_therapists

    client.force_login(world.client.membership.user)
    url = reverse("client_form", kwargs={"kind": "psychological"})
    form = client.get(url).content.decode()
    assert 'type="radio" name="cssrs_wish_dead" value="yes"' in form and 'name="cssrs_wish_dead" value="no"' in form
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.post(url, {"cssrs_wish_dead": "yes", "followup_capacity": "yes", "action": "submit"})
    body = page.content.decode()
    assert page.status_code == 200 and 'href="tel:988"' in body and 'href="tel:+16234737433"' in body
    assert len(queued) == 1 and notify_therapists(world.client) == 1  # the therapist is told, low risk included
    review = world.client.screening_reviews.first()
    assert {"suicide_risk_low", "cssrs_not_answered"} <= {f["code"] for f in review.flags}
    therapist = _as_therapist(world)
    page = therapist.get(reverse("screening_review", kwargs={"client_id": world.client.pk})).content.decode()
    assert "Low risk: a wish to be dead" in page and "Cssrs" not in page
    assert "Screening answers about suicide" in therapist.get(reverse("caseload")).content.decode()


def _as_therapist(world):
    from django.test import Client

    c = Client()
    c.force_login(world.therapist.user)
    return c


# --- Bad input: a clear message on the form, nothing stored half-way ----------------------

@pytest.mark.parametrize("kind,change,message", [
    ("intake", {"mass_value": "0", "mass_unit": "kg"}, "greater than or equal to 1"),
    ("intake", {"mass_value": "700", "mass_unit": "kg"}, "between 20 and 350 kg"),
    ("medications", {"meds-0-name": "sertraline", "meds-0-stopped_on": "2099-01-01"}, "be in the future"),
    ("medications", {"meds-0-name": "sertraline", "meds-0-since": "2024-05-01", "meds-0-stopped_on": "2024-04-01"},
     "before the start date"),
])
def test_bad_screening_input_is_refused_and_nothing_is_saved(client, world, kind, change, message):
    from django.urls import reverse

    from clients.models import IntakeVersion
    from screening.models import MedicationScreening

    from .test_screening_views import INTAKE, meds

    client.force_login(world.client.membership.user)
    data = {**INTAKE, **change} if kind == "intake" else {**meds({}), **change}
    response = client.post(reverse("client_form", kwargs={"kind": kind}), {**data, "action": "submit"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not IntakeVersion.objects.filter(client=world.client).exists()
    assert not MedicationScreening.objects.filter(client=world.client).exists()


@pytest.mark.parametrize("initial,booster,message", [
    ("0", "", "greater than or equal to 1"), ("5000", "", "less than or equal to 200"),
    ("125", "5000", "less than or equal to 200"),
])
def test_impossible_planned_doses_are_refused(ready, therapist, initial, booster, message):
    from sessions.models import TherapySession

    from .test_sessions_schedule import schedule

    response = schedule(therapist, ready, initial=initial, booster=booster)
    assert response.status_code == 400 and message in response.content.decode()
    assert not TherapySession.objects.filter(kind="medicine").exists()


# --- Dose calculator: never above the ceiling; age on the session day (Dosing) -------------

@pytest.mark.parametrize("mass,age,initial,booster", [
    ("61", 40, "125", "58.0"),     # 183 mg ceiling: 125 + 62.5 would be 187.5
    ("62.5", 40, "125", "62.5"),   # exactly 187.5 = 3 mg/kg: fits
    ("60", 40, "125", "55.0"),     # exactly 60 kg: standard initial, ceiling 180
    ("59.9", 40, "100", "50.0"),
    ("45", 40, "100", "35.0"),     # ceiling 135
    ("33", 40, "99.0", None),      # ceiling 99: the initial is lowered to it, no booster
    ("90", 40, "125", "62.5"),     # ceiling 200: 187.5 fits
])
def test_the_suggested_dose_never_exceeds_the_clients_ceiling(mass, age, initial, booster):
    from screening.dosing import standard_dose

    plan = standard_dose(mass_kg=Decimal(mass), age=age)
    assert plan.initial_mg == Decimal(initial)
    assert plan.booster_mg == (Decimal(booster) if booster else None)
    assert plan.total_mg <= plan.ceiling_mg
    if booster and Decimal(booster) < plan.initial_mg / 2:
        assert any("so the total stays within the ceiling" in a for a in plan.adjustments)


@pytest.mark.parametrize("age_today,turns_76_in_days,session_in_days,initial", [
    (75, 10, 20, "100"),   # 76 on the session day: the reduced dose
    (75, 10, 5, "125"),    # still 75 on the session day
    (75, 10, None, "125"),  # no session planned: today's age, 75
])
def test_the_dose_calculator_takes_the_age_on_the_planned_session_day(world, age_today, turns_76_in_days,
                                                                        session_in_days, initial):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from screening.selectors import dose_for
    from screening.services import version_save
    from sessions.models import TherapySession

    today = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date()
    birthday = today + timedelta(days=turns_76_in_days)
    user = world.client.membership.user
    version_save(kind="intake", client=world.client, user=user, submit=True, answers={
        "legal_name": user.full_name, "time_zone": "Europe/Berlin",
        "date_of_birth": birthday.replace(year=birthday.year - 76), "body_mass_kg": Decimal("80.0"),
        "emergency_contact_name": "Ed", "emergency_contact_phone": "1"})
    if session_in_days is not None:
        TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                      scheduled_start=timezone.now() + timedelta(days=session_in_days))
    view = dose_for(world.client.screening_reviews.first(), world.client)
    assert view.plan.initial_mg == Decimal(initial)
    assert view.basis.startswith("the planned medicine session" if session_in_days else "today")
