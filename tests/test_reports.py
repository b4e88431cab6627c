"""Reports (issue 20, first part): the period rules, the figures each section shows, who the
figures cover, bad input, the access log and a bounded number of queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.intake.models import IntakeVersion
from practice.accountability.reports import rules
from practice.audit.models import AccessEvent
from practice.charts import bar_chart
from screening.models import CautionAcknowledgement, ScreeningReview
from sessions.checkins.models import CheckIn, CheckInAcknowledgement, CheckInAnswer
from sessions.livelog.models import DoseGiven, SessionEvent
from sessions.readiness.models import GateCheck

from . import factories as f


@pytest.mark.parametrize("day, start, end", [
    (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 11, 28), date(2026, 10, 1), date(2026, 12, 31)),
    (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31)),
])
def test_quarter_of(day, start, end):
    assert rules.quarter_of(day) == rules.Period(start, end)


def test_recent_quarters_go_back_without_gaps():
    quarters = rules.recent_quarters(date(2026, 2, 10), 5)
    assert [q.short for q in quarters] == ["Q1 2026", "Q4 2025", "Q3 2025", "Q2 2025", "Q1 2025"]
    assert all(a.start - timedelta(days=1) == b.end for a, b in zip(quarters, quarters[1:], strict=False))


@pytest.mark.parametrize("start, end, problem", [
    (date(2026, 1, 2), date(2026, 1, 1), "ends before it starts"),
    (date(2026, 1, 1), date(2026, 1, 1), None),  # one day
    (date(2025, 1, 1), date(2026, 12, 31), None),  # 730 days
    (date(2024, 1, 1), date(2025, 12, 31), None),  # 731 days (a leap year inside): the most
    (date(2024, 1, 1), date(2026, 1, 1), "at most two years"),  # 732 days
    (date(2016, 1, 1), date(2025, 12, 31), "at most two years"),
])
def test_period_problems(start, end, problem):
    found = rules.period_problem(start, end)
    assert (found is None) if problem is None else (problem in found)


def test_band_labels_cover_every_total():
    assert rules.band_labels() == ["under 80 mg", "80-99 mg", "100-119 mg", "120-139 mg", "140-159 mg", "160 mg or more"]


def test_bar_chart_shows_each_label_and_value_escaped():
    svg = str(bar_chart("T", [("Nausea", 3), ("<b>", 0)], "c"))
    assert ">Nausea</text>" in svg and ">3</text>" in svg and "&lt;b&gt;" in svg and "<b>" not in svg
    assert 'aria-labelledby="c"' in svg and bar_chart("T", [], "c") == ""


# --- the page ------------------------------------------------------------------------------

def login(member) -> Client:
    c = Client()
    c.force_login(member.user)
    return c


def window() -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}


def medicine(world, client, practitioner, *, doses=(), days=-2, status="completed"):
    s = f.session(client, practitioner, days=days, kind="medicine", status=status)
    for which, mg in doses:
        DoseGiven.objects.create(session=s, at=s.scheduled_start + timedelta(minutes=10), recorded_by=practitioner,
                                 which=which, amount_mg=Decimal(mg), batch="B1", test_result="ok")
    return s


@pytest.fixture
def seeded(world):
    now = timezone.now()
    IntakeVersion.objects.create(client=world.client, number=1, created_by=world.client.membership.user,
                                 submitted_at=now - timedelta(days=90), body_mass_kg=Decimal("60"))
    one = medicine(world, world.client, world.therapist, doses=[("initial", "120"), ("booster", "60")])
    medicine(world, world.client, world.therapist, doses=[("initial", "100")], days=-20)
    medicine(world, world.client, world.therapist, status="cancelled", days=-5)
    medicine(world, world.other_client, world.other_therapist, doses=[("initial", "150")])  # not the supervisor's
    for code, severity in (("nausea", "mild"), ("nausea", "medical_care"), ("seizure", "emergency")):
        SessionEvent.objects.create(session=one, at=one.scheduled_start + timedelta(hours=1), recorded_by=world.therapist,
                                    kind="adverse", code=code, severity=severity)
    SessionEvent.objects.create(session=one, at=one.scheduled_start + timedelta(hours=2), recorded_by=world.therapist,
                                kind="outcome", code="emergency", text="Seizure or muscle jerks at 10:00")
    SessionEvent.objects.create(session=one, at=one.scheduled_start + timedelta(hours=3), recorded_by=world.therapist,
                                kind="outcome", code="resolved", text="Temperature 38.7 °C (above 38.5 °C) at 11:00")
    checkin = CheckIn.objects.create(client=world.client, session=one, day=1, state="answered", due_at=now)
    answer = CheckInAnswer.objects.create(checkin=checkin, mood=3, sleep="poor", worsening="severe", harm_thoughts=True,
                                          danger=True, submitted_at=now - timedelta(hours=6))
    CheckInAcknowledgement.objects.create(answer=answer, by=world.therapist, at=answer.submitted_at + timedelta(minutes=30))
    review = ScreeningReview.objects.create(client=world.client, as_of=timezone.localdate(), policy={}, table_version="t",
                                            complete=True, flags=[{"tier": "always_avoid", "code": "lifetime_limit"},
                                                                  {"tier": "caution", "code": "seizure_history"}])
    CautionAcknowledgement.objects.create(client=world.client, review=review, flag_key="seizure_history",
                                          flag_digest="d", rationale="Cleared.", acknowledged_by=world.therapist)
    GateCheck.objects.create(session=one, stage="start", outcome="rationale", rationale="Two prior sessions; agreed.",
                             checked_by=world.therapist, lines=[{"level": "rationale", "code": "prior_sessions"},
                                                                {"level": "ok", "code": "informed_consent"}])
    return world


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_supervisor_reads_each_section_of_their_supervisees_figures(seeded):
    world = seeded
    response = login(world.supervisor).get(reverse("reports"), window())
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "1 client served" in page
    assert "2 medicine sessions completed, 1 cancelled, 0 no-show" in page  # Otto's session is not Sue's to see
    assert "1 client found not eligible at screening" in page and "Lifetime limit of medicine sessions reached 1" in page
    assert "History of seizures 1" in page and "Fewer prior sessions than advised 1" in page
    assert "Nausea 1 1 0 0 2" in page and "Seizure or muscle jerks 0 0 1 1" in page  # adverse effects, then signs
    assert "High temperature 1 0 0 1" in page
    assert "1 danger answer; 1 acknowledged, 0 not yet" in page and "median 30 min , longest 30 min" in page
    assert "0 acknowledged later than the practice's 4 hours" in page
    # 180 mg and 100 mg for a client of 60 kg: 3.00 and 1.67 mg/kg, one above 2 mg/kg; one booster.
    assert "average 140.0 mg , median 140.0 mg , from 100.0 to 180.0 mg" in page
    assert "average 2.33 mg/kg" in page and "1 (50%) above 2 mg/kg" in page and "1 booster given, in 1 session" in page
    assert "160 mg or more 1" in page and "100-119 mg 1" in page
    assert "1.5 to under 2 mg/kg 1" in page and "3 mg/kg or more 1" in page  # 1.67 and 3.00 mg/kg
    assert "Day 1 1 3 3 to 3 1 (100%) 1 (100%)" in page
    assert 'aria-labelledby="chart-adverse"' in response.content.decode()
    for name in ("Cora Client", "Dan Different"):  # figures, never names of clients
        assert name not in page


def test_each_role_sees_only_its_own_scope(seeded):
    world = seeded
    admin = text_of(login(world.admin).get(reverse("reports"), window()).content.decode())
    assert "3 medicine sessions completed" in admin and "2 clients served" in admin
    mine = text_of(login(world.therapist).get(reverse("reports"), window()).content.decode())
    assert "2 medicine sessions completed" in mine
    other = text_of(login(world.other_therapist).get(reverse("reports"), window()).content.decode())
    assert "1 medicine session completed" in other and "No adverse effect was logged" in other
    unrelated = text_of(login(world.unrelated_supervisor).get(reverse("reports"), window()).content.decode())
    assert "1 medicine session completed" in unrelated  # supervises Otto only
    outsider = text_of(login(world.outsider_admin).get(reverse("reports"), window()).content.decode())
    assert "0 medicine sessions completed" in outsider and "0 clients served" in outsider
    assert login(world.client.membership).get(reverse("reports")).status_code == 403


def test_the_practitioner_filter_narrows_and_refuses_who_is_not_in_the_reports(seeded):
    world = seeded
    admin = login(world.admin)
    otto = text_of(admin.get(reverse("reports"), {**window(), "practitioner": world.other_therapist.pk}).content.decode())
    assert "1 medicine session completed" in otto and "Otto Other" in otto
    for stranger in (world.outsider.pk, world.other_therapist.pk):
        # Another practice's therapist for the admin; a therapist Sue does not supervise for Sue.
        client = admin if stranger == world.outsider.pk else login(world.supervisor)
        response = client.get(reverse("reports"), {**window(), "practitioner": stranger})
        assert response.status_code == 400 and "not in your reports" in response.content.decode()
        assert "medicine session" not in text_of(response.content.decode()).split("Show the report")[1]
    assert admin.get(reverse("reports"), {**window(), "practitioner": "not-a-uuid"}).status_code == 400


@pytest.mark.parametrize("query, message", [
    ({"start": "2026-05-02", "end": "2026-05-01"}, "ends before it starts"),
    ({"start": "2016-01-01", "end": "2026-01-01"}, "at most two years"),
    ({"start": "yesterday", "end": "2026-05-01"}, "Enter the first day as a date"),
    ({"start": "2026-02-30", "end": "2026-05-01"}, "Enter the first day as a date"),
])
def test_bad_periods_get_a_message_and_no_figures(world, query, message):
    response = login(world.supervisor).get(reverse("reports"), query)
    body = response.content.decode()
    assert response.status_code == 400 and message in body and 'id="activity-h"' not in body
    assert not AccessEvent.objects.filter(kind="report").exists()


def test_the_bare_page_is_this_quarter_and_an_empty_quarter_says_so(world):
    page = login(world.supervisor).get(reverse("reports")).content.decode()
    assert rules.quarter_of(timezone.localdate()).short in page
    empty = text_of(login(world.supervisor).get(reverse("reports"), {"start": "2020-01-01", "end": "2020-03-31"}
                                                ).content.decode())
    assert "Q1 2020" in empty and "No sessions were booked in this period." in empty
    assert "No adverse effect was logged" in empty and "No danger answer in this period." in empty
    assert "No completed medicine session with doses logged" in empty and "No check-in answers" in empty


def test_each_read_is_in_the_access_log_without_clients(seeded):
    world = seeded
    login(world.supervisor).get(reverse("reports"), {**window(), "practitioner": world.therapist.pk})
    event = AccessEvent.objects.get(kind="report")
    assert event.clients == [] and event.actor == world.supervisor.user and event.view == "reports"
    from practice.accountability.auditlog.words import read_sentence

    sentence = read_sentence(event, "Sue Supervisor", [])
    assert sentence.startswith("Sue Supervisor read the practice reports for ") and "one practitioner" in sentence


def test_the_number_of_queries_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    supervisor = login(world.supervisor)
    medicine(world, world.client, world.therapist, doses=[("initial", "120")])
    supervisor.get(reverse("reports"), window())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        supervisor.get(reverse("reports"), window())
    for i in range(15):
        c = f.client(world.practice, world.therapist, full_name=f"Client {i}")
        s = medicine(world, c, world.therapist, doses=[("initial", "100"), ("booster", "50")])
        SessionEvent.objects.create(session=s, at=s.scheduled_start + timedelta(hours=1), recorded_by=world.therapist,
                                    kind="adverse", code="nausea", severity="mild")
        checkin = CheckIn.objects.create(client=c, session=s, day=1, state="answered", due_at=timezone.now())
        CheckInAnswer.objects.create(checkin=checkin, mood=2, sleep="poor", worsening="severe", harm_thoughts=True,
                                     danger=True, submitted_at=timezone.now() - timedelta(hours=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text_of(supervisor.get(reverse("reports"), window()).content.decode())
    assert "16 medicine sessions completed" in page and "Nausea 15 0 0 0 15" in page
    assert "15 danger answers; 0 acknowledged, 15 not yet" in page


def test_the_csv_suppresses_small_counts_names_no_one_and_is_logged(seeded):
    world = seeded
    response = login(world.supervisor).get(reverse("reports"), {**window(), "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    rows = {(r["Measure"], r["Category"]): r["Value"] for r in csv.DictReader(io.StringIO(text))}
    assert rows[("Clients served", "")] == "fewer than 11"
    assert rows[("Total dose per session (mg)", "average")] == "not shown (fewer than 11)"
    assert rows[("Adverse effect: Nausea", "Total")] == "fewer than 11"
    assert rows[("Minutes to the first acknowledgement", "median")] == "not shown (fewer than 11)"
    for secret in ("Cora", "Tess", "Sue", "Otto", "Cleared.", "Two prior sessions"):
        assert secret not in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)
    event = AccessEvent.objects.get(kind="export")
    assert event.view == "reports" and event.clients == []
    assert not AccessEvent.objects.filter(kind="report").exists()  # the download, not a page read


def test_the_csv_shows_counts_and_averages_of_groups_at_the_threshold(world):
    for i in range(11):
        c = f.client(world.practice, world.therapist, full_name=f"Client {i}")
        medicine(world, c, world.therapist, doses=[("initial", "100"), ("booster", "50")])
    text = login(world.therapist).get(reverse("reports"), {**window(), "format": "csv"}).content.decode()
    rows = {(r["Measure"], r["Category"]): r["Value"] for r in csv.DictReader(io.StringIO(text))}
    assert rows[("Clients served", "")] == "11" and rows[("Medicine sessions with doses logged", "")] == "11"
    assert rows[("Total dose per session (mg)", "average")] == "150.0" and rows[("Boosters given", "")] == "11"
    assert rows[("Sessions by total dose", "140-159 mg")] == "11" and rows[("Sessions by total dose", "under 80 mg")] == (
        "fewer than 11")


def test_alliance_by_practitioner_and_month_with_its_chart_and_alerts(world):
    from sessions.surveys.models import RuptureAlert, SurveyRequest, SurveyResponse

    now = timezone.now()
    for total, bond in ((56, 28), (40, 20)):
        request = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot=f"s{total}",
                                               due_at=now, state="answered", sent_at=now)
        response = SurveyResponse.objects.create(
            request=request, client=world.client, practitioner=world.therapist, instrument_key="brwai",
            instrument_version="1", definition={}, answers={}, total=total,
            subscales={"bond": bond, "tasks_goals": total - bond}, mean=total / 16, submitted_at=now - timedelta(hours=1))
    RuptureAlert.objects.create(response=response, rule="drop", detail="Fell by 16.")
    page = login(world.supervisor).get(reverse("reports"), window()).content.decode()
    text = text_of(page)
    assert "Tess Therapist" in text and "48.0 24.0 24.0 40" in text  # mean total, bond, tasks/goals, lowest
    assert 'aria-labelledby="chart-alliance"' in page and ">48</text>" in page
    assert "Alliance alerts raised, by practitioner" in text and "Tess Therapist 1" in text


def test_symptom_measures_change_from_the_intake_answer(world):
    from sessions.measures.models import MeasureResponse

    now = timezone.now()

    def answered(client, slot, total, days_ago):
        MeasureResponse.objects.create(client=client, instrument_key="phq9", instrument_version="1", definition={},
                                       slot=slot, slot_label=slot, answers={}, total=total, subscales={}, band="",
                                       danger=False, submitted_at=now - timedelta(days=days_ago))

    answered(world.client, "intake", 15, 200)  # the baseline may be older than the period
    answered(world.client, "after4w-a", 10, 20)
    answered(world.client, "after12w-a", 8, 2)  # the latest in the period counts
    other = f.client(world.practice, world.therapist, full_name="Second Client")
    answered(other, "intake", 6, 100)
    answered(other, "after4w-b", 9, 5)
    answered(f.client(world.practice, world.therapist, full_name="No Baseline"), "after4w-c", 20, 5)  # not counted
    page = text_of(login(world.supervisor).get(reverse("reports"), window()).content.decode())
    assert "Depression questionnaire (PHQ-9) 2 10.5 8.5 -2.0 1" in page
    rows = {(r["Measure"], r["Category"]): r["Value"] for r in csv.DictReader(io.StringIO(
        login(world.supervisor).get(reverse("reports"), {**window(), "format": "csv"}).content.decode()))}
    assert rows[("Depression questionnaire (PHQ-9), change from intake", "clients")] == "fewer than 11"
    assert rows[("Depression questionnaire (PHQ-9), change from intake", "mean change")] == "not shown (fewer than 11)"


def test_mg_per_kg_uses_the_body_mass_in_force_on_the_session_day(world):
    now = timezone.now()
    user = world.client.membership.user
    IntakeVersion.objects.create(client=world.client, number=1, created_by=user, submitted_at=now - timedelta(days=60),
                                 body_mass_kg=Decimal("50"))
    medicine(world, world.client, world.therapist, doses=[("initial", "100")], days=-10)  # 2.00 mg/kg at 50 kg
    IntakeVersion.objects.create(client=world.client, number=2, created_by=user, submitted_at=now - timedelta(days=5),
                                 body_mass_kg=Decimal("100"))  # weighed again after that session
    medicine(world, world.client, world.therapist, doses=[("initial", "150")], days=-1)  # 1.50 mg/kg at 100 kg
    page = text_of(login(world.therapist).get(reverse("reports"), window()).content.decode())
    assert "average 1.75 mg/kg over 2 sessions" in page and "0 (0%) above 2 mg/kg" in page


def test_more_than_three_practitioners_get_their_alliance_as_bars(world):
    from practice.roles import Role
    from sessions.surveys.models import SurveyRequest, SurveyResponse

    now = timezone.now()
    for i in range(4):
        therapist = f.member(world.practice, Role.THERAPIST, full_name=f"Therapist {i}")
        client = f.client(world.practice, therapist, full_name=f"Rated {i}")
        request = SurveyRequest.objects.create(client=client, practitioner=therapist, slot="s", due_at=now, state="answered",
                                               sent_at=now)
        SurveyResponse.objects.create(request=request, client=client, practitioner=therapist, instrument_key="brwai",
                                      instrument_version="1", definition={}, answers={}, total=60 + i,
                                      subscales={"bond": 30, "tasks_goals": 30 + i}, mean=4, submitted_at=now)
    page = login(world.admin).get(reverse("reports"), window()).content.decode()
    chart = page.split('aria-labelledby="chart-alliance"', 1)[1].split("</svg>", 1)[0]
    assert "over the period, by practitioner" in chart and ">Therapist 3</text>" in chart and ">63</text>" in chart
