"""BR-WAI alliance surveys: scoring, rupture rules, schedule, delivery, answers, views."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from screening.policy import DEFAULT_POLICY
from sessions.scheduling.services import session_set_status
from sessions.surveys import emails as survey_emails
from sessions.surveys import instruments
from sessions.surveys import selectors as survey_selectors
from sessions.surveys import services as svc
from sessions.surveys.models import RuptureAlert, SurveyRequest, SurveyResponse, SurveySchedule
from sessions.surveys.rules import ruptures

from . import factories
from .test_checkins import email_consent

BRWAI = instruments.load("brwai")
REVERSE = {4, 8, 12, 16}


def answers(values):
    return {n: v for n, v in enumerate(values, start=1)}


# Hand-computed: reverse items (4, 8, 12, 16) score 6 - answer; Bond = odd items, Tasks/Goals = even.
@pytest.mark.parametrize("values,total,bond,tasks,mean", [
    ([3] * 16, 48, 24, 24, "3.00"),
    ([5] * 16, 64, 40, 24, "4.00"),  # reverse items answered Always score 1 each
    ([1] * 16, 32, 8, 24, "2.00"),
    ([1 if n in REVERSE else 5 for n in range(1, 17)], 80, 40, 40, "5.00"),  # the best possible alliance
    ([5 if n in REVERSE else 1 for n in range(1, 17)], 16, 8, 8, "1.00"),  # the worst
    ([5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4], 48, 24, 24, "3.00"),
    ([4, 5, 4, 1, 4, 5, 4, 1, 4, 5, 4, 2, 4, 5, 4, 1], 71, 32, 39, "4.44"),  # 71 / 16 = 4.4375
])
def test_scoring_with_reverse_keys(values, total, bond, tasks, mean):
    scores = instruments.score(BRWAI, answers(values))
    assert (scores.total, scores.subscales["bond"], scores.subscales["tasks_goals"]) == (total, bond, tasks)
    assert scores.mean == Decimal(mean)


@given(st.lists(st.integers(1, 5), min_size=16, max_size=16))
def test_scores_add_up_and_mirror(values):
    scores = instruments.score(BRWAI, answers(values))
    assert scores.total == scores.subscales["bond"] + scores.subscales["tasks_goals"]
    assert 16 <= scores.total <= 80 and 8 <= scores.subscales["bond"] <= 40
    mirrored = instruments.score(BRWAI, answers([6 - v for v in values]))
    assert mirrored.total == 96 - scores.total  # answering every item the other way round


@pytest.mark.parametrize("raw,message", [
    ({**answers([3] * 15)}, "missing: 16"),
    ({**answers([3] * 16), 3: 6}, "Question 3"),
    ({**answers([3] * 16), 3: 0}, "Question 3"),
    ({**answers([3] * 16), 5: "often"}, "Question 5"),
    ({**answers([3] * 16), 17: 3}, "do not match"),
    ({}, "missing: 1, 2"),
])
def test_bad_answers_are_refused_with_a_reason(raw, message):
    with pytest.raises(instruments.AnswerError, match=message):
        instruments.score(BRWAI, raw)


def _rules(values, previous=None, policy=DEFAULT_POLICY):
    a = answers(values)
    return {r.rule for r in ruptures(BRWAI, a, instruments.score(BRWAI, a), previous, policy)}


# A steady answer set with no reverse item at "Very often": total 56 (mean exactly 3.5).
STEADY = [4, 3, 4, 3, 3, 4, 4, 3, 3, 4, 4, 3, 3, 4, 3, 2]


def test_steady_answers_are_at_the_boundary():
    assert instruments.score(BRWAI, answers(STEADY)).total == 56


@pytest.mark.parametrize("previous,expected", [(61, {"drop"}), (60, set()), (None, set()), (40, set())])
def test_drop_rule_at_five_points(previous, expected):
    assert _rules(STEADY, previous) == expected  # 61 -> 56 is a drop of exactly 5


def test_mean_below_three_and_a_half():
    assert "low_mean" not in _rules(STEADY)  # 56 / 16 = 3.5 is not below 3.5
    lower = list(STEADY)
    lower[0] = 3  # total 55
    assert _rules(lower) == {"low_mean"}


@pytest.mark.parametrize("answer,alert", [(3, False), (4, True), (5, True)])
def test_reverse_item_very_often_or_always(answer, alert):
    values = list(STEADY)
    values[7] = answer  # item 8 is reverse-keyed
    assert ("reverse_item" in _rules(values)) is alert


def test_thresholds_follow_a_tightened_policy():
    policy = DEFAULT_POLICY.tighten(rupture_drop_points=3, rupture_mean_below=Decimal("3.6"),
                                    rupture_reverse_answer_at_least=3)
    assert _rules(STEADY, 59, policy) == {"drop", "low_mean", "reverse_item"}


def test_definition_files_are_versioned_and_the_newest_is_used(tmp_path, monkeypatch):
    base = json.loads((instruments.DATA / "brwai-1.json").read_text())
    (tmp_path / "brwai-1.json").write_text(json.dumps(base))
    (tmp_path / "brwai-10.json").write_text(json.dumps({**base, "version": "10"}))
    (tmp_path / "brwai-2.json").write_text(json.dumps({**base, "version": "2"}))
    monkeypatch.setattr(instruments, "DATA", tmp_path)
    instruments.load.cache_clear()
    try:
        assert instruments.load("brwai").version == "10"  # numeric order, not text order
        assert instruments.load("brwai", "2").version == "2"
    finally:
        instruments.load.cache_clear()


# --- schedule ------------------------------------------------------------------------------

def complete(world, kind="therapy", practitioner=None, second=None):
    session = factories.session(world.client, practitioner or world.therapist, days=-1, kind=kind,
                                status="in_progress")
    if second:
        session.second_practitioner = second
        session.save(update_fields=["second_practitioner"])
    return session_set_status(session=session, status="completed")


def test_first_five_sessions_then_only_medicine_sessions(world):
    for _ in range(6):
        complete(world)
    assert SurveyRequest.objects.count() == 5
    complete(world, kind="medicine")
    assert SurveyRequest.objects.count() == 6
    from zoneinfo import ZoneInfo

    request = SurveyRequest.objects.order_by("-created_at").first()
    assert request.practitioner == world.therapist
    assert request.due_at.astimezone(ZoneInfo(world.client.practice.time_zone)).hour == 10


def test_each_practitioner_present_gets_their_own_survey(world):
    from clients.caseload.services import caseload_assign

    caseload_assign(client=world.client, therapist=world.other_therapist)
    complete(world, kind="medicine", second=world.other_therapist)
    assert set(SurveyRequest.objects.values_list("practitioner", flat=True)) == {world.therapist.pk,
                                                                                 world.other_therapist.pk}


def test_a_client_schedule_overrides_the_practice_schedule(world):
    svc.schedule_save(by=world.admin, client=None, first_sessions=1, after_medicine=True, every_weeks=4)
    svc.schedule_save(by=world.therapist, client=world.client, first_sessions=0, after_medicine=False, every_weeks=0)
    complete(world)
    complete(world, kind="medicine")
    assert SurveyRequest.objects.count() == 0
    assert survey_selectors.schedule_of(world.other_client).first_sessions == 1
    with pytest.raises(Exception, match="admins"):
        svc.schedule_save(by=world.therapist, client=None, first_sessions=9, after_medicine=True, every_weeks=4)


def test_every_four_weeks_after_the_last_survey_once(world):
    complete(world)
    assert svc.schedule_periodic() == 0
    with time_machine.travel(timezone.now() + timedelta(weeks=4, days=2)):
        assert svc.schedule_periodic() == 1
        assert svc.schedule_periodic() == 0  # a second beat or a rerun the same day adds nothing
    assert SurveyRequest.objects.filter(slot__startswith="every:").count() == 1


# --- delivery and answers ------------------------------------------------------------------

def sent_survey(world):
    email_consent(world)
    request = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="t",
                                           due_at=timezone.now() - timedelta(minutes=1))
    [request_id] = svc.claim_due()
    assert svc.send(request_id) == "sent"
    body = mail.outbox[-1].body
    return request, body[body.index("/s/"):].split()[0]


def form_data(values):
    return {f"q{n}": str(v) for n, v in enumerate(values, start=1)}


def test_email_has_no_clinical_content_and_a_stable_message_id(world):
    request, link = sent_survey(world)
    message = mail.outbox[-1]
    assert message.extra_headers["Message-ID"] == f"<survey-{request.pk}@practice.invalid>"
    text = message.body + message.subject
    assert "Tess" not in text and "Therapist" not in text and "/s/" in text
    assert svc.send(str(request.pk)) == "skipped"  # a duplicate task sends nothing
    assert len(mail.outbox) == 1


def test_without_email_consent_nothing_is_sent_but_the_portal_offers_it(world):
    SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="t",
                                 due_at=timezone.now() - timedelta(minutes=1))
    [request_id] = svc.claim_due()
    assert svc.send(request_id) == "not_sent" and mail.outbox == []
    me = Client()
    me.force_login(world.client.membership.user)
    assert "How is your work with Tess Therapist going?" in me.get(reverse("portal")).content.decode()


def test_answering_by_link_scores_stores_and_raises_alerts(world):
    request, link = sent_survey(world)
    page = Client().get(link)
    assert page.status_code == 200 and "Tess Therapist" in page.content.decode()
    assert page.content.decode().count("<legend>") == 16
    response = Client().post(link, form_data([5 if n in REVERSE else 2 for n in range(1, 17)]))
    assert response.status_code == 200
    stored = SurveyResponse.objects.get()
    assert (stored.total, stored.instrument_version, stored.answers["4"]) == (28, "1", 5)
    assert stored.definition["items"][3]["reverse"] is True
    assert set(RuptureAlert.objects.values_list("rule", flat=True)) == {"low_mean", "reverse_item"}
    again = Client().post(link, form_data([3] * 16))
    assert again.status_code == 409 and SurveyResponse.objects.count() == 1  # the link works once


@pytest.mark.parametrize("data,message", [
    ({}, "Please answer question 1."),
    (form_data([3] * 15), "Please answer question 16."),
    ({**form_data([3] * 16), "q2": "7"}, "Question 2: choose one of the answers given."),
    ({**form_data([3] * 16), "q2": "x"}, "Question 2: choose one of the answers given."),
])
def test_bad_input_on_the_form_stores_nothing(world, data, message):
    _, link = sent_survey(world)
    response = Client().post(link, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert SurveyResponse.objects.count() == 0
    assert SurveyRequest.objects.get().state == "sent"


def test_forged_expired_and_former_practitioner_links_store_nothing(world):
    request, link = sent_survey(world)
    assert Client().get(link[:-3] + "xx/").status_code == 410
    assert Client().get("/s/" + survey_emails.link_token(request).replace(":", ";") + "/").status_code == 410
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert "expired" in Client().get(link).content.decode()
    world.client.assignments.update(ended_at=timezone.now())
    response = Client().post(link, form_data([3] * 16))
    assert response.status_code == 409 and "no longer work with" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_another_clients_survey_is_404_in_the_portal(world):
    request, _ = sent_survey(world)
    other = Client()
    other.force_login(world.other_client.membership.user)
    assert other.get(reverse("survey_portal", kwargs={"request_id": request.pk})).status_code == 404
    me = Client()
    me.force_login(world.client.membership.user)
    assert me.post(reverse("survey_portal", kwargs={"request_id": request.pk}), form_data([4] * 16)).status_code == 200
    past = me.get(reverse("survey_portal_list")).content.decode()
    assert "I believe my therapist likes me." in past and "Very often" in past and "/80" not in past


def test_reminder_after_two_days_and_expiry_after_seven(world):
    sent_survey(world)
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=23)):
        assert svc.send_reminders() == 0
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert svc.send_reminders() == 1 and svc.send_reminders() == 0
    assert mail.outbox[0].extra_headers["Message-ID"].endswith("-reminder@practice.invalid>")
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert svc.expire() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert svc.expire() == 1
    assert SurveyRequest.objects.get().state == "missed"


def test_stored_responses_are_append_only(world):
    request, link = sent_survey(world)
    Client().post(link, form_data([3] * 16))
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.update(total=80)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveySchedule.objects.create(practice=world.client.practice, first_sessions=1, created_by=world.admin)
        SurveySchedule.objects.update(first_sessions=2)


def test_a_later_definition_never_rewrites_old_scores(world, monkeypatch):
    request, link = sent_survey(world)
    Client().post(link, form_data([4] * 16))
    changed = json.loads(json.dumps(BRWAI.definition))
    changed["version"] = "2"
    changed["options"][3]["label"] = "Mostly"
    for item in changed["items"]:
        item["reverse"] = False
    monkeypatch.setattr(instruments, "load", lambda key, version=None: instruments.from_definition(changed))
    stored = SurveyResponse.objects.get()
    assert stored.total == 56 and stored.instrument_version == "1"
    me = Client()
    me.force_login(world.client.membership.user)
    assert "Very often" in me.get(reverse("survey_portal_list")).content.decode()


# --- staff views ---------------------------------------------------------------------------

def rated(world, *ratings):
    """Answered surveys about the world's therapist, oldest first."""
    email_consent(world)
    for i, values in enumerate(ratings):
        request = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot=f"r{i}",
                                               due_at=timezone.now(), state="sent", sent_at=timezone.now())
        svc.response_save(request=request, raw_answers=answers(values))


def test_therapist_sees_chart_table_items_and_alerts_then_acknowledges(world):
    rated(world, [4] * 16, [3] * 16)  # 56 then 48: a drop of 8 and a low mean
    therapist = Client()
    therapist.force_login(world.therapist.user)
    page = therapist.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).content.decode()
    assert f'aria-labelledby="alliance-{world.therapist.pk}"' in page and ">Bond (8-40)</text>" in page
    assert "<td>48</td>" in page and "Drop from the previous rating" in page and "not published norms" in page
    alert = RuptureAlert.objects.get(rule="drop")
    url = reverse("alliance_acknowledge", kwargs={"client_id": world.client.pk, "alert_id": alert.pk})
    assert therapist.post(url, {"note": "Talked about it."}).status_code == 302
    assert alert.acknowledgement.note == "Talked about it."
    therapist.post(url, {"note": "Again"})
    assert RuptureAlert.objects.filter(acknowledgement__isnull=False).count() == 1
    caseload = therapist.get(reverse("caseload")).content.decode()
    assert "48/80" in caseload and "down 8" in caseload


def test_supervisor_lists_alerts_and_summary_and_may_acknowledge(world):
    rated(world, [4] * 16, [3] * 16)
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    page = supervisor.get(reverse("supervision")).content.decode()
    assert "Open alliance alerts" in page and "Low mean item score" in page and "<td>48</td>" in page
    alert = RuptureAlert.objects.get(rule="low_mean")
    response = supervisor.post(reverse("alliance_acknowledge", kwargs={"client_id": world.client.pk,
                                                                       "alert_id": alert.pk}),
                               {"note": "Seen", "next": "supervision"})
    assert response.status_code == 302 and response.url == "/supervision/"
    unrelated = Client()
    unrelated.force_login(world.unrelated_supervisor.user)
    other = RuptureAlert.objects.get(rule="drop")
    assert unrelated.post(reverse("alliance_acknowledge", kwargs={"client_id": world.client.pk,
                                                                  "alert_id": other.pk})).status_code == 404
    assert not hasattr(RuptureAlert.objects.get(pk=other.pk), "acknowledgement")


def test_open_alert_is_an_amber_readiness_line(world):
    from sessions.readiness import rules as gates
    from sessions.readiness.selectors import gate_facts

    facts = gate_facts(client=world.client, practitioner=world.therapist, start=timezone.now() + timedelta(days=9),
                       initial_mg=None, booster_mg=None, stage=gates.SCHEDULE)
    assert [ln.text for ln in gates.readiness(facts) if ln.code == "alliance"] == [
        "No alliance rating of this practitioner yet (BR-WAI)."]
    rated(world, [3] * 16)
    facts = gate_facts(client=world.client, practitioner=world.therapist, start=timezone.now() + timedelta(days=9),
                       initial_mg=None, booster_mg=None, stage=gates.SCHEDULE)
    [line] = [ln for ln in gates.readiness(facts) if ln.code == "alliance"]
    assert line.level == gates.RATIONALE and "1 open alliance alert" in line.text


def test_practice_schedule_page_for_admins(world):
    admin = Client()
    admin.force_login(world.admin.user)
    url = reverse("practice_survey_schedule")
    assert admin.post(url, {"first_sessions": "-1", "every_weeks": "4"}).status_code == 400
    assert SurveySchedule.objects.count() == 0
    assert admin.post(url, {"first_sessions": "3", "every_weeks": "6"}).status_code == 302
    assert survey_selectors.schedule_of(world.client) == survey_selectors.Schedule(3, False, 6)


@pytest.mark.parametrize("alliance, shown, read_aloud", [
    (None, "No rating", "No rating"),
    ((48, None), "48/80", "48/80"),
    ((56, 8), "56/80 ↑", "56/80 , up 8"),
    ((48, -8), "48/80 ↓", "48/80 , down 8"),
    ((80, 0), "80/80 →", "80/80 , unchanged"),
])
def test_alliance_cell_shows_total_and_trend_in_words(alliance, shown, read_aloud):
    import re

    from practice.templatetags.alliance import alliance_cell

    html = str(alliance_cell(alliance))
    visible = re.sub(r'<span class="visually-hidden">.*?</span>', "", html)
    assert re.sub(r"<[^>]+>", "", visible).strip() == shown
    spoken = re.sub(r'<span aria-hidden="true">.*?</span>', "", html)
    assert re.sub(r"<[^>]+>", " ", spoken).split() == read_aloud.split()
