"""Symptom measures (issue 20, part 2): when PHQ-9, GAD-7 and PCL-5 are due, the client's
answers scored and kept, a PHQ-9 question 9 answer raised like a danger check-in (therapist at
once, caseload, today, record, acknowledgement, escalation), and the record's table and charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.caseload.services import notify_therapists
from screening.services import version_save
from sessions.measures import rules
from sessions.measures import services as svc
from sessions.measures.models import MeasureAcknowledgement, MeasureResponse

from . import factories as f

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def slot_keys(slots, now):
    return sorted({s.key for _, s in rules.due(slots, set(), now)})


@pytest.mark.parametrize("offset, open_", [(timedelta(0), True), (timedelta(days=59, hours=23), True),
                                           (timedelta(days=60), False), (-timedelta(minutes=1), False)])
def test_intake_measures_open_for_sixty_days(offset, open_):
    slots = rules.all_slots(T0, [], UTC)
    assert ("intake" in slot_keys(slots, T0 + offset)) is open_


@pytest.mark.parametrize("before_start, open_", [(timedelta(days=7), True), (timedelta(days=7, minutes=1), False),
                                                 (timedelta(minutes=1), True), (timedelta(0), False)])
def test_before_a_medicine_session_the_week_before_it(before_start, open_):
    session = rules.MedicineSession("s1", T0, "scheduled", None)
    slots = rules.all_slots(None, [session], UTC)
    assert ("before-s1" in slot_keys(slots, T0 - before_start)) is open_


@pytest.mark.parametrize("after_end, keys", [
    (timedelta(days=27), []), (timedelta(days=28), ["after4w-s1"]), (timedelta(days=41, hours=23), ["after4w-s1"]),
    (timedelta(days=42), []), (timedelta(days=84), ["after12w-s1"]), (timedelta(days=98), [])])
def test_four_and_twelve_weeks_after_a_completed_session(after_end, keys):
    session = rules.MedicineSession("s1", T0, "completed", T0 + timedelta(hours=6))
    slots = rules.all_slots(None, [session], UTC)
    assert slot_keys(slots, T0 + timedelta(hours=6) + after_end) == keys


def test_each_open_slot_asks_each_measure_once():
    slots = rules.all_slots(T0, [], UTC)
    assert [k for k, _ in rules.due(slots, set(), T0)] == ["phq9", "gad7", "pcl5"]
    assert [k for k, _ in rules.due(slots, {("phq9", "intake")}, T0)] == ["gad7", "pcl5"]


# --- in the app ---------------------------------------------------------------------------

@pytest.fixture
def intake_done(world):
    user = world.client.membership.user
    version_save(kind="intake", client=world.client, user=user, submit=True, answers={
        "legal_name": user.full_name, "time_zone": "Europe/Berlin", "body_mass_kg": Decimal("70.0"),
        "emergency_contact_name": "Ed", "emergency_contact_phone": "1"})
    return world


def login(member) -> Client:
    c = Client()
    c.force_login(member.user)
    return c


def phq9(item9: int = 0, rest: int = 1) -> dict:
    return {f"q{n}": str(item9 if n == 9 else rest) for n in range(1, 10)}


def test_the_client_sees_the_due_measures_and_answers_one_once(intake_done):
    world = intake_done
    me = login(world.client.membership)
    portal = me.get(reverse("portal")).content.decode()
    assert "Depression questionnaire (PHQ-9)" in portal and "Anxiety questionnaire (GAD-7)" in portal
    url = reverse("portal_measure", kwargs={"instrument": "phq9", "slot": "intake"})
    page = me.get(url).content.decode()
    assert "Over the last 2 weeks" in page and "More than half the days" in page
    response = me.post(url, phq9(item9=0, rest=2))
    assert response.status_code == 200 and "Please reach out" not in response.content.decode()
    saved = MeasureResponse.objects.get()
    assert (saved.total, saved.band, saved.danger, saved.slot) == (16, "Moderately severe", False, "intake")
    assert me.get(url).status_code == 404 and me.post(url, phq9()).status_code == 404  # answered: closed
    assert "Depression questionnaire (PHQ-9)" not in me.get(reverse("portal")).content.decode()
    assert MeasureResponse.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureResponse.objects.filter(pk=saved.pk).update(total=0)  # kept as answered


def test_a_missing_answer_is_refused_with_a_message_and_nothing_saved(intake_done):
    me = login(intake_done.client.membership)
    url = reverse("portal_measure", kwargs={"instrument": "gad7", "slot": "intake"})
    response = me.post(url, {"q1": "1", "q2": "9"})
    assert response.status_code == 400 and "Please answer question 3." in response.content.decode()
    assert not MeasureResponse.objects.exists()
    assert me.get(reverse("portal_measure", kwargs={"instrument": "phq9", "slot": "before-x"})).status_code == 404
    assert me.get(reverse("portal_measure", kwargs={"instrument": "bdi", "slot": "intake"})).status_code == 404


def test_question_9_is_raised_like_a_danger_check_in(intake_done, django_capture_on_commit_callbacks):
    world = intake_done
    me = login(world.client.membership)
    url = reverse("portal_measure", kwargs={"instrument": "phq9", "slot": "intake"})
    with django_capture_on_commit_callbacks() as callbacks:
        page = me.post(url, phq9(item9=1, rest=0)).content.decode()
    assert "Please reach out for support now" in page and "+1 (623) 473-7433" in page
    assert len(callbacks) == 1  # the therapists' alert is queued when the answer commits
    response = MeasureResponse.objects.get()
    assert response.danger and response.total == 1 and response.band == "Minimal"  # a low total is still a danger
    mail.outbox.clear()
    notify_therapists(world.client)  # what the queued task does
    assert mail.outbox[0].to == [world.therapist.user.email] and "harm" not in mail.outbox[0].body.lower()
    therapist = login(world.therapist)
    assert "depression questionnaire, question 9" in therapist.get(reverse("caseload")).content.decode()
    assert "Danger answer in a questionnaire" in therapist.get(reverse("today")).content.decode()
    record = therapist.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).content.decode()
    assert "1 questionnaire answer about thoughts of self-harm to acknowledge" in record
    assert "question 9 (thoughts of being better off dead or of self-harm) answered “Several days”" in record
    assert 'aria-labelledby="measure-phq9"' in record
    ack = reverse("measure_acknowledge", kwargs={"client_id": world.client.pk, "response_id": response.pk})
    assert login(world.other_therapist).post(ack, {"note": "x"}).status_code == 404  # not their client
    assert therapist.post(ack, {"note": "Called her; safe, plan agreed."}).status_code == 302
    assert MeasureAcknowledgement.objects.get().by == world.therapist
    assert "question 9" not in therapist.get(reverse("caseload")).content.decode()


def test_an_unacknowledged_question_9_goes_to_the_supervisor_after_the_practice_time(intake_done):
    world = intake_done
    login(world.client.membership).post(reverse("portal_measure", kwargs={"instrument": "phq9", "slot": "intake"}),
                                        phq9(item9=2))
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(hours=3, minutes=59)):
        assert svc.escalate_unacknowledged() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=4, minutes=1)):
        assert svc.escalate_unacknowledged() == 1
        assert svc.escalate_unacknowledged() == 0  # once
    assert [m.to for m in mail.outbox] == [[world.supervisor.user.email]]
    assert "questionnaire answer needs attention" in mail.outbox[0].body and "harm" not in mail.outbox[0].body.lower()


def test_the_follow_up_slots_follow_a_completed_medicine_session(intake_done):
    world = intake_done
    session = f.session(world.client, world.therapist, days=-40, kind="medicine", status="completed")
    me = login(world.client.membership)
    portal = me.get(reverse("portal")).content.decode()
    assert "4 weeks after the medicine session of" in portal
    url = reverse("portal_measure", kwargs={"instrument": "pcl5", "slot": f"after4w-{session.pk}"})
    assert me.post(url, {f"q{n}": "2" for n in range(1, 21)}).status_code == 200
    answered = MeasureResponse.objects.get()
    assert answered.total == 40 and answered.subscales == {"B": 10, "C": 4, "D": 14, "E": 12}
    assert answered.band.startswith("At or above the usual cut-point")


def test_the_supervisor_reviews_question_9_answers_and_how_fast_they_were_acknowledged(intake_done):
    world = intake_done
    login(world.client.membership).post(reverse("portal_measure", kwargs={"instrument": "phq9", "slot": "intake"}),
                                        phq9(item9=1))
    response = MeasureResponse.objects.get()
    supervisor = login(world.supervisor)
    url = reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk})
    page = supervisor.get(url).content.decode()
    assert "Questionnaire answers about thoughts of self-harm (PHQ-9 question 9) (1)" in page
    assert "<strong>not acknowledged</strong>" in page.split('id="sec-measure"')[1].split("</section>")[0]
    with time_machine.travel(response.submitted_at + timedelta(minutes=25)):
        svc.acknowledge(response=response, by=world.therapist, note="Called.")
    assert "acknowledged after 25 min" in supervisor.get(url).content.decode()
    marked = supervisor.post(reverse("supervisee_mark", kwargs={"therapist_id": world.therapist.pk}),
                             {"pick": f"measure:{response.pk}", "note": "Seen."})
    assert marked.status_code == 302 and "Reviewed by Sue Supervisor" in supervisor.get(url).content.decode()


@pytest.mark.parametrize("schedule, now_offset, keys", [
    (rules.Schedule(), timedelta(days=28), ["after4w-s1"]),
    (rules.Schedule(at_intake=False), timedelta(days=28), ["after4w-s1"]),
    (rules.Schedule(after_weeks=(6, 0)), timedelta(days=28), []),
    (rules.Schedule(after_weeks=(6, 0)), timedelta(days=42), ["after6w-s1"]),
    (rules.Schedule(after_weeks=(0, 0)), timedelta(days=84), []),
])
def test_the_practice_schedule_decides_the_follow_ups(schedule, now_offset, keys):
    done = T0 + timedelta(hours=6)
    slots = rules.all_slots(None, [rules.MedicineSession("s1", T0, "completed", done)], UTC, schedule)
    assert slot_keys(slots, done + now_offset) == keys


def test_intake_and_before_session_measures_can_be_switched_off():
    before = rules.MedicineSession("s2", T0 + timedelta(days=3), "scheduled", None)
    assert slot_keys(rules.all_slots(T0, [before], UTC), T0) == ["before-s2", "intake"]
    off = rules.Schedule(at_intake=False, before_medicine=False)
    assert slot_keys(rules.all_slots(T0, [before], UTC, off), T0) == []


def test_the_admin_sets_the_schedule_and_the_portal_follows_it(intake_done):
    world = intake_done
    admin = login(world.admin)
    url = reverse("practice_measure_schedule")
    assert "once intake is submitted" in admin.get(url).content.decode()
    bad = admin.post(url, {"at_intake": "", "before_medicine": "on", "first_follow_up_weeks": "8",
                           "second_follow_up_weeks": "6"})
    assert bad.status_code == 400 and "The second follow-up comes after the first" in bad.content.decode()
    assert admin.post(url, {"first_follow_up_weeks": "99", "second_follow_up_weeks": "12"}).status_code == 400
    me = login(world.client.membership)
    assert "Depression questionnaire (PHQ-9)" in me.get(reverse("portal")).content.decode()
    assert admin.post(url, {"before_medicine": "on", "first_follow_up_weeks": "6", "second_follow_up_weeks": "0"}
                      ).status_code == 302
    assert "Depression questionnaire (PHQ-9)" not in me.get(reverse("portal")).content.decode()  # intake: off
    assert me.get(reverse("portal_measure", kwargs={"instrument": "phq9", "slot": "intake"})).status_code == 404
    page = admin.get(url).content.decode()
    assert "Earlier settings" in page and "6, none" in page
    assert login(world.supervisor).get(url).status_code == 403
