"""The therapist's day (issue 17, part 2): sessions today and tomorrow in the viewer's zone, then
what needs action in order of urgency, each a link, each gone once done."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.checkins.models import CheckIn, CheckInAcknowledgement, CheckInAnswer
from sessions.models import TherapySession

from .test_sessions_schedule import make_ready

ZONE = ZoneInfo("Europe/Berlin")


@pytest.fixture
def therapist(world):
    world.therapist.user.time_zone = "Europe/Berlin"
    world.therapist.user.save(update_fields=["time_zone"])
    c = Client()
    c.force_login(world.therapist.user)
    return c


def at_local(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.now().astimezone(ZONE).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=ZONE)


def session(world, when, **kw):
    return TherapySession.objects.create(client=world.client, practitioner=world.therapist, scheduled_start=when,
                                         **{"kind": "therapy", **kw})


def test_a_therapist_starts_on_the_day(world, therapist):
    assert therapist.get(reverse("home"))["Location"] == reverse("today")


def test_sessions_today_and_tomorrow_on_the_viewers_clock(world, therapist):
    session(world, at_local(0, 0, 5), kind="preparation")  # just after midnight in Berlin
    session(world, at_local(1, 23, 50), kind="integration")  # tomorrow, late
    session(world, at_local(2, 0, 10))  # the day after tomorrow: not shown
    session(world, at_local(0, 15), status="cancelled")  # cancelled: not shown
    page = therapist.get(reverse("today")).content.decode()
    today, tomorrow = page.split("<h3>Tomorrow", 1)
    assert "Preparation session with Cora Client" in today and "00:05" in today
    assert "Integration session with Cora Client" in tomorrow.split('id="actions-h"')[0]
    assert "Ordinary therapy session" not in page


def test_what_needs_action_comes_in_order_of_urgency_and_leaves_once_done(world, therapist):
    make_ready(world)
    # A completed session four days ago without a signed note (urgency 4).
    session(world, timezone.now() - timedelta(days=4), status="completed", ended_at=timezone.now() - timedelta(days=4))
    # A danger answer in a check-in (urgency 1).
    medicine = session(world, timezone.now() - timedelta(days=2), kind="medicine", status="completed",
                       ended_at=timezone.now() - timedelta(days=2))
    checkin = CheckIn.objects.create(client=world.client, session=medicine, day=1, due_at=timezone.now(), state="answered")
    answer = CheckInAnswer.objects.create(checkin=checkin, mood=2, sleep="poor", worsening="severe",
                                          harm_thoughts=False, danger=True)
    page = therapist.get(reverse("today")).content.decode()
    actions = page.split('id="actions-h"', 1)[1]
    assert actions.index("Danger answer in a check-in") < actions.index("Note not signed")
    CheckInAcknowledgement.objects.create(answer=answer, by=world.therapist, note="Called; safe.")
    assert "Danger answer" not in therapist.get(reverse("today")).content.decode()


def test_a_medicine_session_soon_lists_what_its_checklist_still_needs(world, therapist):
    # No flight plan and no consent for this client: both show, linked to where they are done.
    session(world, timezone.now() + timedelta(days=3), kind="medicine", planned_initial_mg=Decimal("125"))
    page = therapist.get(reverse("today")).content.decode()
    assert "Flight plan to sign again" in page and reverse("staff_plan", args=[world.client.pk]) in page


def test_an_open_emergency_sign_is_on_the_day_until_handled(world, therapist):
    make_ready(world)
    running = session(world, timezone.now() - timedelta(hours=2), kind="medicine", status="in_progress",
                      started_at=timezone.now() - timedelta(hours=2))
    therapist.post(reverse("session_live_record", kwargs={"client_id": world.client.pk, "session_id": running.pk,
                                                          "kind": "vitals"}),
                   {"vitals-token": str(uuid.uuid4()), "vitals-temperature_c": "39.2"})
    page = therapist.get(reverse("today")).content.decode()
    actions = page.split('id="actions-h"', 1)[1]
    assert "Emergency sign still open" in actions and "Temperature 39.2" in actions
    assert actions.index("Emergency sign still open") < actions.index("Session in progress")
    assert reverse("session_live", kwargs={"client_id": world.client.pk, "session_id": running.pk}) in actions


def test_the_day_is_read_in_a_bounded_number_of_queries(world, therapist, django_assert_max_num_queries):
    for hour in range(8, 18):
        session(world, at_local(0, hour))
    with django_assert_max_num_queries(40):
        assert therapist.get(reverse("today")).status_code == 200


def test_the_agenda_shows_a_week_as_a_list_and_the_practice_as_busy_where_not_mine(world, therapist):
    from . import factories as f

    session(world, at_local(0, 9), place="Room 2")
    colleague = f.member(world.practice, "therapist", full_name="Col League")
    theirs = f.client(world.practice, colleague, full_name="Not Mine")
    TherapySession.objects.create(client=theirs, practitioner=colleague, kind="therapy", scheduled_start=at_local(0, 11))
    mine = therapist.get(reverse("agenda")).content.decode()
    assert "Ordinary therapy session with Cora Client" in mine and "Room 2" in mine and "Busy" not in mine
    assert "09:00-09:50" in mine  # the planned length by kind
    practice = therapist.get(reverse("agenda"), {"who": "practice", "span": "day"}).content.decode()
    assert "Busy" in practice and "Not Mine" not in practice and "Col League" in practice


@pytest.mark.parametrize("query", [{"day": "2026-02-30"}, {"span": "decade"}, {"day": "x" * 5000},
                                   {"day": "1900-01-01", "span": "week"}])
def test_odd_agenda_requests_are_answered_not_a_500(world, therapist, query):
    response = therapist.get(reverse("agenda"), query)
    assert response.status_code == 200 and response.content.decode().count("<section") <= 7


def test_a_session_moves_with_a_reason_and_its_reminder_follows(world, therapist):
    from sessions.models import SessionReminder
    from sessions.scheduling.services import session_schedule

    s = session_schedule(client=world.client, practitioner=world.therapist, kind="therapy",
                         start=timezone.now() + timedelta(days=3))
    before = SessionReminder.objects.get(session=s).due_at
    url = reverse("session_reschedule", kwargs={"client_id": world.client.pk, "session_id": s.pk})
    new_day = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo("UTC")).date()
    refused = therapist.post(url, {"day": new_day.isoformat(), "at": "10:00", "reason": ""}, follow=True)
    assert "Nothing was changed" in refused.content.decode()
    past = therapist.post(url, {"day": "2020-01-01", "at": "10:00", "reason": "Client ill"}, follow=True)
    assert "The new time has passed" in past.content.decode()
    moved = therapist.post(url, {"day": new_day.isoformat(), "at": "10:00", "reason": "Client ill"}, follow=True)
    assert "Session moved to" in moved.content.decode()
    s.refresh_from_db()
    assert s.change_reason == "Client ill" and s.scheduled_start.date() == new_day
    assert SessionReminder.objects.get(session=s).due_at > before + timedelta(days=1)
    assert "Why it was moved" in moved.content.decode()


def test_cancelling_needs_a_reason_and_cancels_the_reminder(world, therapist):
    from sessions.models import SessionReminder
    from sessions.scheduling.services import session_schedule

    s = session_schedule(client=world.client, practitioner=world.therapist, kind="therapy",
                         start=timezone.now() + timedelta(days=3))
    url = reverse("session_status", kwargs={"client_id": world.client.pk, "session_id": s.pk})
    refused = therapist.post(url, {"status": "cancelled"}, follow=True).content.decode()
    assert "Say why the session is cancelled" in refused
    s.refresh_from_db()
    assert s.status == "scheduled"
    done = therapist.post(url, {"status": "cancelled", "reason": "The client moved away"}, follow=True).content.decode()
    s.refresh_from_db()
    assert s.status == "cancelled" and s.change_reason == "The client moved away" and "Session cancelled." in done
    assert SessionReminder.objects.get(session=s).state == "cancelled"
    assert "Why it was cancelled" in done


def test_a_moved_medicine_session_passes_the_checklist_again(world):
    from sessions.models import GateCheck
    from sessions.readiness.services import GateBlocked
    from sessions.scheduling.services import session_reschedule, session_schedule

    make_ready(world)  # the client's clock: Europe/Berlin
    s = session_schedule(client=world.client, practitioner=world.therapist, kind="medicine",
                         start=at_local(3, 9, 30), initial_mg=Decimal("125"))
    assert GateCheck.objects.filter(session=s).count() == 1
    session_reschedule(session=s, start=at_local(4, 9, 30), by=world.therapist, reason="Room flooded")
    assert GateCheck.objects.filter(session=s).count() == 2
    # Another medicine session two months on: moving this one next to it is refused (spacing).
    other = session_schedule(client=world.client, practitioner=world.therapist, kind="medicine",
                             start=at_local(60, 9), initial_mg=Decimal("125"))
    with pytest.raises(GateBlocked):
        session_reschedule(session=s, start=other.scheduled_start - timedelta(days=5), by=world.therapist,
                           reason="Earlier date")
    s.refresh_from_db()
    assert s.change_reason == "Room flooded"


def test_the_caseload_filters_and_orders_in_words(world, therapist, django_assert_max_num_queries):
    from . import factories as f

    later = f.client(world.practice, world.therapist, full_name="Ada Later")
    TherapySession.objects.create(client=later, practitioner=world.therapist, kind="medicine",
                                  scheduled_start=timezone.now() + timedelta(days=20))
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="integration",
                                  scheduled_start=timezone.now() + timedelta(days=2))
    page = therapist.get(reverse("caseload"), {"sort": "next"}).content.decode()
    table = page.split("<tbody>", 1)[1]
    assert table.index("Cora Client") < table.index("Ada Later")  # the sooner session first
    assert "(Medicine (MDMA))" in table and "(medicine)" not in table  # labels, not codes
    soon = therapist.get(reverse("caseload"), {"next": "week"}).content.decode().split("<tbody>", 1)[1]
    assert "Cora Client" in soon and "Ada Later" not in soon
    none = therapist.get(reverse("caseload"), {"flag": "danger"}).content.decode().split("<tbody>", 1)[1]
    assert "No clients." in none
    assert therapist.get(reverse("caseload"), {"stage": "nonsense", "sort": "x" * 500}).status_code == 200
    for i in range(60):
        f.client(world.practice, world.therapist, full_name=f"Bulk {i:02d}")
    with django_assert_max_num_queries(30):
        page = therapist.get(reverse("caseload"), {"sort": "contact", "page": "2"}).content.decode()
    assert "stage=" not in page and "sort=contact&amp;page=1" in page


def test_the_caseload_in_name_order_follows_renames_endings_and_returns(world, therapist):
    """The name order is read from a table kept by triggers: it follows a renamed account, drops
    an ended assignment, takes back a client assigned again, and one therapist's order is not
    another's."""
    from clients.access import clients_visible_to
    from clients.models import CaseloadAssignment, CaseloadOrder

    from . import factories as f

    names = ["Bea Brook", "Al Able", "Cy Cole", "Al Able"]  # the last: the same name, another email
    made = [f.client(world.practice, world.therapist, full_name=n) for n in names]
    f.client(world.practice, world.other_therapist, full_name="Aaron Other")  # someone else's caseload

    def order() -> list[str]:
        page = therapist.get(reverse("caseload")).content.decode().split("<tbody>", 1)[1]
        return [line.split('">', 1)[1].split("</a>", 1)[0] for line in page.split("<tr>")[1:]]

    def by_name() -> list[str]:
        users = [c.membership.user for c in clients_visible_to(world.therapist).select_related("membership__user")]
        return [str(u) for u in sorted(users, key=lambda u: (u.full_name, u.email))]

    assert order() == by_name() == ["Al Able", "Al Able", "Bea Brook", "Cora Client", "Cy Cole"]
    bea = made[0].membership.user
    bea.full_name = "Zed Brook"
    bea.save(update_fields=["full_name"])
    assert order() == by_name() and order()[-1] == "Zed Brook"
    assignment = CaseloadAssignment.objects.get(client=made[2], ended_at__isnull=True)
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    assert "Cy Cole" not in order() and not CaseloadOrder.objects.filter(assignment=assignment).exists()
    CaseloadAssignment.objects.create(practice=world.practice, therapist=world.therapist, client=made[2])
    assert "Cy Cole" in order()
    assert CaseloadOrder.objects.filter(therapist=world.therapist).count() == 5
    assert CaseloadOrder.objects.filter(therapist=world.other_therapist).count() == 2  # Dan Different, Aaron Other
    # Assignments are ended, not deleted; if one is deleted all the same, its order row goes too.
    from django.db import connection

    gone = CaseloadAssignment.objects.get(client=made[1], ended_at__isnull=True)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients_caseloadassignment WHERE id = %s", [gone.pk])
    assert not CaseloadOrder.objects.filter(assignment_id=gone.pk).exists()


def test_a_medicine_session_starts_in_the_morning_or_carries_a_rationale(world):
    from sessions.models import GateCheck
    from sessions.readiness.services import GateBlocked
    from sessions.scheduling.services import session_schedule

    make_ready(world)
    with pytest.raises(GateBlocked) as refused:
        session_schedule(client=world.client, practitioner=world.therapist, kind="medicine",
                         start=at_local(5, 11), initial_mg=Decimal("125"))  # 11:00 is no longer the morning
    assert any(line.code == "late_start" and line.level == "rationale" for line in refused.value.lines)
    s = session_schedule(client=world.client, practitioner=world.therapist, kind="medicine", start=at_local(5, 13),
                         initial_mg=Decimal("125"), rationale="The client's only free day; collected at 22:00.")
    assert GateCheck.objects.get(session=s).outcome == "rationale"
    early = session_schedule(client=world.client, practitioner=world.therapist, kind="therapy", start=at_local(6, 15))
    assert not GateCheck.objects.filter(session=early).exists()  # other kinds: any time



def test_the_caseload_screening_filters_agree_with_the_status_shown(world, therapist):
    """Each filter, in SQL, picks exactly the clients whose status (computed in Python) it names."""
    from clients.models import Client as ClientRecord
    from practice.pages.caseload import caseload as listed
    from screening.models import CautionAcknowledgement, ScreeningReview
    from screening.selectors import attach_screening_status

    from . import factories as f

    def flag(tier, key):
        return {"tier": tier, "code": key, "key": key, "digest": f"d-{key}", "reason": key, "section": "s", "facts": []}

    def reviewed(name, flags, complete=True, acked=(), older=None):
        c = f.client(world.practice, world.therapist, full_name=name)
        if older is not None:
            ScreeningReview.objects.create(client=c, as_of=timezone.now().date(), policy={}, table_version="t",
                                           flags=older, complete=True,
                                           created_at=timezone.now() - timedelta(days=1))
        review = ScreeningReview.objects.create(client=c, as_of=timezone.now().date(), policy={}, table_version="t",
                                                flags=flags, complete=complete)
        for key in acked:
            CautionAcknowledgement.objects.create(client=c, review=review, flag_key=key, flag_digest=f"d-{key}",
                                                  rationale="A sentence of reasons.", acknowledged_by=world.therapist)
        return c

    reviewed("Avoid Person", [flag("always_avoid", "maoi"), flag("caution", "liver")])
    reviewed("Incomplete Person", [], complete=False)
    reviewed("Open Caution", [flag("caution", "liver"), flag("caution", "seizure")], acked=["liver"])
    reviewed("Acked Caution", [flag("caution", "liver")], acked=["liver"])
    reviewed("Clear Person", [flag("precaution", "ssri")], older=[flag("always_avoid", "old")])  # the latest counts
    f.client(world.practice, world.therapist, full_name="Never Screened")
    statuses = {str(c): c.screening_status.code for c in attach_screening_status(
        ClientRecord.objects.filter(assignments__therapist=world.therapist).select_related("membership__user"))}
    visible = ClientRecord.objects.filter(assignments__therapist=world.therapist)
    for status in ("not_screened", "not_eligible", "eligible_with_cautions", "eligible"):
        found = {str(c) for c in listed(visible, screening=status)}
        assert found == {name for name, code in statuses.items() if code == status}, status
    assert {str(c) for c in listed(visible, flag="caution")} == {"Open Caution", "Avoid Person"}  # each has one
    page = therapist.get(reverse("caseload"), {"screening": "not_eligible"}).content.decode()
    assert "Avoid Person" in page and "Incomplete Person" in page and "Clear Person" not in page


def test_the_consent_filter_agrees_with_the_consent_state(world):
    """Not signed, signed an older version, signed the latest, withdrawn: the SQL filter picks the
    clients the consent rules ask to sign (again)."""
    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services
    from clients.consent.models import ConsentKind
    from clients.models import Client as ClientRecord
    from practice.pages.caseload import caseload as listed

    from . import factories as f

    def sign(c, version):
        user = c.membership.user
        return consent_services.consent_sign(client=c, user=user, version_id=version.pk,
                                             text_sha256=consent_services.sha256(consent_selectors.render(version, c)),
                                             typed_name=user.full_name, ip_address=None, user_agent="t")

    v1 = consent_services.template_write(by=world.admin, kind="informed", title="Informed", body="One.")
    unsigned = f.client(world.practice, world.therapist, full_name="Unsigned Person")
    older = f.client(world.practice, world.therapist, full_name="Older Version")
    current = f.client(world.practice, world.therapist, full_name="Current Version")
    withdrawn = f.client(world.practice, world.therapist, full_name="Withdrawn Person")
    sign(older, v1)
    revoked = sign(withdrawn, v1)
    consent_services.consent_revoke(signature=revoked, user=withdrawn.membership.user, reason="Changed my mind.")
    v2 = consent_services.template_write(by=world.admin, kind="informed", title="Informed", body="Two.")
    sign(current, v2)
    mine = ClientRecord.objects.filter(pk__in=[unsigned.pk, older.pk, current.pk, withdrawn.pk])
    versions, states = consent_selectors.states_for(list(mine), world.practice.pk)
    informed = next(v for v in versions if v.template.kind == ConsentKind.INFORMED)
    expected = {str(c) for c in mine if states[c.pk][informed.template_id].outstanding}
    assert expected == {"Unsigned Person", "Older Version"}
    assert {str(c) for c in listed(mine, flag="consent")} == expected


def test_the_supervision_lists_filter_like_the_caseload(world):
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                  scheduled_start=timezone.now() + timedelta(days=2))
    assert "Cora Client" in supervisor.get(reverse("supervision"), {"next": "week"}).content.decode()
    assert "Cora Client" not in supervisor.get(reverse("supervision"), {"next": "none"}).content.decode()


def test_a_supervisor_starts_on_what_their_supervisees_records_need(world, django_assert_max_num_queries):
    from practice.accountability.concerns import services as concerns

    sup = Client()
    sup.force_login(world.supervisor.user)
    assert sup.get(reverse("home"))["Location"] == reverse("today")
    assert "Nothing needs action now." in sup.get(reverse("today")).content.decode()
    # an unsigned note of a supervisee, a danger answer, and a concern from the supervisee's client
    session(world, timezone.now() - timedelta(days=4), status="completed", ended_at=timezone.now() - timedelta(days=4))
    medicine = session(world, timezone.now() - timedelta(days=2), kind="medicine", status="completed",
                       ended_at=timezone.now() - timedelta(days=2))
    checkin = CheckIn.objects.create(client=world.client, session=medicine, day=1, due_at=timezone.now(), state="answered")
    CheckInAnswer.objects.create(checkin=checkin, mood=2, sleep="poor", worsening="severe", harm_thoughts=False,
                                 danger=True)
    concern = concerns.concern_raise(client=world.client, by=world.client.membership, about_id=world.therapist.pk,
                                     category="boundary", text="Messages late at night.")
    with django_assert_max_num_queries(40):
        page = sup.get(reverse("today")).content.decode()
    actions = page.split('id="actions-h"', 1)[1]
    assert actions.index("Danger answer in a check-in") < actions.index("Note not signed") < actions.index(
        "Concern to review")
    assert "Tess Therapist: ordinary therapy session with Cora Client" in actions
    assert reverse("concern_detail", args=[concern.pk]) in actions and 'id="sessions-h"' not in page
    # the supervisor of another therapist sees none of it
    other = Client()
    other.force_login(world.unrelated_supervisor.user)
    assert "Nothing needs action now." in other.get(reverse("today")).content.decode()
    # a concern reviewed to resolution leaves the day
    concerns.review_add(concern=concern, by=world.supervisor, text="Spoken with both.", status="resolved", share=False)
    assert "Concern to review" not in sup.get(reverse("today")).content.decode()


@pytest.mark.parametrize(("day", "prefilled"), [("2027-03-04", 'value="2027-03-04"'), ("2027-02-30", None),
                                                ("x" * 5000, None), ("", None)])
def test_booking_from_a_day_of_the_agenda_carries_the_day_to_the_form(world, therapist, day, prefilled):
    agenda = therapist.get(reverse("agenda"), {"span": "day", "day": "2027-03-04"}).content.decode()
    assert f'{reverse("client_search")}?book=2027-03-04' in agenda
    found = therapist.get(reverse("client_search"), {"q": "Cora", "book": day}).content.decode()
    if prefilled:
        assert f'{reverse("session_schedule", args=[world.client.pk])}?day=2027-03-04' in found
        assert "Book on 4 March" in found
    else:
        assert "Book on" not in found and "Schedule a session" in found  # an odd day is ignored, not a 500
    form = therapist.get(reverse("session_schedule", args=[world.client.pk]), {"day": day})
    assert form.status_code == 200
    assert (prefilled in form.content.decode()) if prefilled else 'name="day" value=' not in form.content.decode()
