"""Integration check-ins: due times, claiming, idempotent sending, links, answers, danger."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.consent import selectors as consent_selectors
from clients.consent import services as consent_services
from sessions.checkins import services as svc
from sessions.checkins.models import CheckIn, CheckInAnswer
from sessions.models import TherapySession
from sessions.scheduling.services import session_set_status

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize("zone,session_day,day,expected_utc", [
    ("Europe/Berlin", date(2027, 3, 27), 1, datetime(2027, 3, 28, 8, 0, tzinfo=UTC)),  # after spring forward
    ("Europe/Berlin", date(2027, 3, 26), 1, datetime(2027, 3, 27, 9, 0, tzinfo=UTC)),  # before it
    ("America/Los_Angeles", date(2027, 10, 31), 7, datetime(2027, 11, 7, 18, 0, tzinfo=UTC)),  # fall back that day
    ("Asia/Tokyo", date(2027, 1, 1), 28, datetime(2027, 1, 29, 1, 0, tzinfo=UTC)),
])
def test_due_at_ten_local_across_zones_and_dst(zone, session_day, day, expected_utc):
    due = svc.due_at(session_day, day, zone)
    assert due == expected_utc
    assert due.astimezone(ZoneInfo(zone)).hour == 10  # never in the 21:00-08:00 quiet hours


def medicine_session(world, *, ended_hours_ago=30):
    return TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                         status="in_progress", started_at=timezone.now() - timedelta(hours=40),
                                         scheduled_start=timezone.now() - timedelta(hours=40))


def email_consent(world):
    doc = consent_services.template_write(by=world.admin, kind="contact_email", title="Contact by email", body="Yes.")
    text = consent_selectors.render(doc, world.client)
    consent_services.consent_sign(client=world.client, user=world.client.membership.user, version_id=doc.pk,
                                  text_sha256=consent_services.sha256(text), typed_name="Cora Client",
                                  ip_address=None, user_agent="t")


def test_completing_a_medicine_session_schedules_five_checkins_once(world):
    session = medicine_session(world)
    session_set_status(session=session, status="completed")
    assert list(CheckIn.objects.values_list("day", flat=True).order_by("day")) == [1, 3, 7, 14, 28]
    svc.schedule_for(session)
    assert CheckIn.objects.count() == 5


def make_due(world, n=1):
    session = medicine_session(world)
    rows = [CheckIn(client=world.client, session=session, day=d, due_at=timezone.now() - timedelta(minutes=5))
            for d in range(1, n + 1)]
    return CheckIn.objects.bulk_create(rows)


def test_claim_takes_only_due_rows_and_recovers_expired_leases(world):
    due = make_due(world, 2)
    CheckIn.objects.filter(pk=due[1].pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert svc.claim_due() == [str(due[0].pk)]
    assert svc.claim_due() == []  # already "sending" with a live lease
    CheckIn.objects.filter(pk=due[0].pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert svc.claim_due() == [str(due[0].pk)]  # the worker died: reclaimed


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_never_claim_the_same_row(world):
    rows = make_due(world, 28)
    session = rows[0].session
    CheckIn.objects.bulk_create([CheckIn(client=world.client, session=session, day=100 + i,
                                         due_at=timezone.now() - timedelta(minutes=1)) for i in range(172)])
    results, barrier = [], threading.Barrier(2)

    def dispatcher():
        barrier.wait()
        try:
            results.append(svc.claim_due(limit=150))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = results[0] + results[1]
    assert len(claimed) == len(set(claimed)) == 200


def test_send_once_with_a_stable_message_id_and_no_clinical_content(world):
    email_consent(world)
    (checkin,) = make_due(world)
    [checkin_id] = svc.claim_due()
    assert svc.send(checkin_id) == "sent"
    assert svc.send(checkin_id) == "skipped"  # a duplicated task
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.extra_headers["Message-ID"] == f"<checkin-{checkin.pk}@practice.invalid>"
    text = message.body + message.alternatives[0][0]
    assert "Harbour Practice" in text and "/c/" in text
    for word in ("MDMA", "medicine", "mood", "suicide", "Tess"):
        assert word not in text
    assert CheckIn.objects.get().state == "sent"


def test_without_email_consent_nothing_is_sent_and_the_reason_shows(world):
    make_due(world)
    [checkin_id] = svc.claim_due()
    assert svc.send(checkin_id) == "not_sent"
    assert mail.outbox == []
    assert "No consent" in CheckIn.objects.get().reason


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("down")


def test_smtp_errors_retry_with_backoff_then_give_up_visibly(world, settings):
    settings.EMAIL_BACKEND = "tests.test_checkins.FailingBackend"
    email_consent(world)
    make_due(world)
    for attempt in range(1, 6):
        CheckIn.objects.update(due_at=timezone.now() - timedelta(seconds=1))
        [checkin_id] = svc.claim_due()
        state = svc.send(checkin_id)
        row = CheckIn.objects.get()
        assert row.attempts == attempt and row.last_error == "SMTPServerDisconnected"
        if attempt < 5:
            assert state == "scheduled" and row.due_at > timezone.now() + timedelta(minutes=2 ** attempt - 1)
    assert row.state == "undeliverable"


def sent_checkin(world):
    email_consent(world)
    make_due(world)
    [checkin_id] = svc.claim_due()
    svc.send(checkin_id)
    return re.search(r"http://testserver(/c/[^/\s]+/)", mail.outbox[0].body).group(1)


ANSWER = {"mood": "6", "sleep": "fair", "worsening": "mild", "harm_thoughts": "no"}


def test_link_answers_once(client, world):
    link = sent_checkin(world)
    assert client.get(link).status_code == 200
    response = client.post(link, ANSWER)
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert "Please reach out" not in response.content.decode()
    assert CheckIn.objects.get().state == "answered" and not CheckInAnswer.objects.get().danger
    assert client.post(link, ANSWER).status_code == 409
    assert CheckInAnswer.objects.count() == 1


def test_forged_and_expired_links(client, world):
    link = sent_checkin(world)
    assert client.get(link[:-3] + "x/").status_code == 410
    assert client.get("/c/" + str(CheckIn.objects.get().pk) + "/").status_code == 410
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(link, ANSWER)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not CheckInAnswer.objects.exists()


def test_danger_answers_alert_the_therapist_at_once(client, world, django_capture_on_commit_callbacks):
    link = sent_checkin(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(link, {**ANSWER, "harm_thoughts": "yes", "harm_intent": "on"})
    page = response.content.decode()
    assert "Please reach out for support now" in page and "+1 (623) 473-7433" in page
    assert len(callbacks) == 1  # the notification task is queued when the answer commits
    svc.notify_danger_now(CheckInAnswer.objects.get().pk)  # what the queued task does
    assert mail.outbox[0].to == [world.therapist.user.email]
    assert "suicide" not in mail.outbox[0].body.lower() and "harm" not in mail.outbox[0].body.lower()
    therapist = Client()
    therapist.force_login(world.therapist.user)
    caseload = therapist.get(reverse("caseload")).content.decode()
    assert "Check-ins that need your attention today" in caseload
    answer = CheckInAnswer.objects.get()
    therapist.post(reverse("checkin_acknowledge", kwargs={"client_id": world.client.pk, "answer_id": answer.pk}),
                   {"note": "Called her; safe, plan agreed."})
    assert "Check-ins that need your attention today" not in therapist.get(reverse("caseload")).content.decode()


def test_logged_in_client_answers_from_the_portal(world):
    sent_checkin(world)
    me = Client()
    me.force_login(world.client.membership.user)
    portal = me.get(reverse("portal")).content.decode()
    assert "Answer your day 1 check-in" in portal
    checkin = CheckIn.objects.get()
    assert me.post(reverse("checkin_portal", kwargs={"checkin_id": checkin.pk}), ANSWER).status_code == 200
    assert CheckIn.objects.get().state == "answered"


def test_reminder_after_24_hours_then_missed_48_hours_later(world):
    sent_checkin(world)
    mail.outbox.clear()
    assert svc.send_reminders() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert svc.send_reminders() == 1
        assert svc.send_reminders() == 0  # one reminder only
    assert mail.outbox[0].subject.startswith("Reminder:")
    assert mail.outbox[0].extra_headers["Message-ID"].endswith("-reminder@practice.invalid>")
    with time_machine.travel(timezone.now() + timedelta(hours=24 + 47)):
        assert svc.mark_missed() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24 + 49)):
        assert svc.mark_missed() == 1
    assert CheckIn.objects.get().state == "missed"


def test_unacknowledged_danger_goes_to_the_supervisor_after_4_hours(client, world):
    link = sent_checkin(world)
    client.post(link, {**ANSWER, "worsening": "severe"})
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(hours=3, minutes=59)):
        assert svc.escalate_unacknowledged() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=4, minutes=1)):
        assert svc.escalate_unacknowledged() == 1
        assert svc.escalate_unacknowledged() == 0
    assert [m.to for m in mail.outbox] == [[world.supervisor.user.email]]
    assert "severe" not in mail.outbox[0].body


def test_a_client_can_pause_check_in_emails(world):
    email_consent(world)
    me = Client()
    me.force_login(world.client.membership.user)
    me.post(reverse("checkin_pause"), {"paused": "yes"})
    make_due(world)
    [checkin_id] = svc.claim_due()
    assert svc.send(checkin_id) == "not_sent"
    assert CheckIn.objects.get().reason == "Paused by the client." and mail.outbox == []
    me.post(reverse("checkin_pause"), {"paused": "no"})
    world.client.refresh_from_db()
    assert not world.client.checkins_paused


def test_inbox_and_trend_chart(client, world):
    link = sent_checkin(world)
    client.post(link, {**ANSWER, "mood": "3"})
    therapist = Client()
    therapist.force_login(world.therapist.user)
    inbox = therapist.get(reverse("checkin_inbox")).content.decode()
    assert "Cora Client" in inbox and "mood 3/10" in inbox
    detail = therapist.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).content.decode()
    assert 'aria-labelledby="trend-mood"' in detail and 'aria-labelledby="trend-sleep"' in detail
    assert 'aria-labelledby="trend-worsening"' in detail and ">3</text>" in detail and "Mood 3/10" in detail


def test_therapist_sets_the_clients_check_in_days(world):
    therapist = Client()
    therapist.force_login(world.therapist.user)
    url = reverse("checkin_days", kwargs={"client_id": world.client.pk})
    for bad in ("0, 3", "1, x", "1,2,3,4,5,6,7,8,9,10,11", "120"):
        therapist.post(url, {"days": bad})
        world.client.refresh_from_db()
        assert world.client.checkin_days is None, bad
    therapist.post(url, {"days": "2, 5, 5, 21"})
    world.client.refresh_from_db()
    assert world.client.checkin_days == [2, 5, 21]
    session = medicine_session(world)
    session_set_status(session=session, status="completed")
    assert list(CheckIn.objects.values_list("day", flat=True).order_by("day")) == [2, 5, 21]
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    assert supervisor.post(url, {"days": "1"}).status_code == 403


def test_a_practice_may_shorten_the_escalation_time(client, world):
    from screening.services import policy_update

    policy_update(by=world.admin, values={"danger_escalate_hours": 1}, reason="We escalate within the hour.")
    link = sent_checkin(world)
    client.post(link, {**ANSWER, "worsening": "severe"})
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert svc.escalate_unacknowledged() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert svc.escalate_unacknowledged() == 1
    escalation = next(m for m in mail.outbox if m.to == [world.supervisor.user.email])
    # The email states the practice's own time, not the default four hours.
    assert "within 1 hour." in escalation.body and "4 hours" not in escalation.body
    assert "within 1 hour." in escalation.alternatives[0][0]


class DiskFullBackend(FailingBackend):
    def send_messages(self, messages):
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_a_retry_then_undeliverable_not_a_crash(world, settings):
    settings.EMAIL_BACKEND = "tests.test_checkins.DiskFullBackend"
    email_consent(world)
    make_due(world)
    for _ in range(5):
        CheckIn.objects.update(due_at=timezone.now() - timedelta(seconds=1))
        [checkin_id] = svc.claim_due()
        svc.send(checkin_id)
    row = CheckIn.objects.get()
    assert (row.state, row.last_error, row.attempts) == ("undeliverable", "OSError", 5)
    therapist = Client()
    therapist.force_login(world.therapist.user)
    assert "Undeliverable" in therapist.get(reverse("checkin_inbox")).content.decode()


def test_a_message_sent_twice_is_the_same_message(world):
    """The admitted duplicate (SMTP accepted, the commit lost) repeats the message byte for byte:
    the link is derived from the row, not from the moment of sending (issue 19, part 4)."""
    from sessions.checkins import emails as checkin_emails

    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            status="completed", scheduled_start=timezone.now() - timedelta(days=1))
    checkin = CheckIn.objects.create(client=world.client, session=session, day=1, state="sending",
                                     due_at=timezone.now() - timedelta(minutes=3))
    first = checkin_emails.checkin_request(checkin)
    with time_machine.travel(timezone.now() + timedelta(minutes=7)):  # the resend, once the lease has ended
        second = checkin_emails.checkin_request(checkin)
    assert first.body == second.body and first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.alternatives == second.alternatives


def test_the_inbox_pages_each_list_on_its_own_with_danger_first(world, django_assert_max_num_queries):
    """55 answers (one a danger answer, the oldest) and 53 missed check-ins: 50 of each a page,
    the danger answer on the first page, each list's pager keeping the other's page."""
    rows = make_due(world, 108)
    now = timezone.now()
    answered, missed = rows[:55], rows[55:]
    CheckInAnswer.objects.bulk_create([
        CheckInAnswer(checkin=c, mood=5, sleep="fair", worsening="none", harm_thoughts=i == 0, danger=i == 0,
                      submitted_at=now - timedelta(minutes=100 - i)) for i, c in enumerate(answered)])
    CheckIn.objects.filter(pk__in=[c.pk for c in answered]).update(state="answered")
    CheckIn.objects.filter(pk__in=[c.pk for c in missed]).update(state="missed")
    therapist = Client()
    therapist.force_login(world.therapist.user)
    url = reverse("checkin_inbox")
    with django_assert_max_num_queries(20):
        first = therapist.get(url).content.decode()
    assert first.count("mood 5/10") == 50 and "needs attention" in first
    assert first.count("): Missed") == 50
    assert '?page=2" rel="next"' in first and '?more=2" rel="next"' in first
    second = therapist.get(url + "?page=2").content.decode()
    assert second.count("mood 5/10") == 5 and "needs attention" not in second
    assert second.count("): Missed") == 50 and '?page=2&amp;more=2" rel="next"' in second
    both = therapist.get(url + "?page=2&more=2").content.decode()
    assert both.count("): Missed") == 3 and both.count("mood 5/10") == 5
    assert '?more=2&amp;page=1" rel="prev"' in both and '?page=2&amp;more=1" rel="prev"' in both
    with django_assert_max_num_queries(20):
        assert therapist.get(url + "?page=abc&more=-1").status_code == 200  # read as the first pages


def test_open_answers_follow_answers_acknowledgements_and_assignments(client, world):
    """OpenAnswer (kept by triggers) holds, per therapist with the client on their caseload, the
    answers nobody has acknowledged: the inbox and the caseload's danger list read it."""
    from clients.models import CaseloadAssignment
    from sessions.checkins.models import CheckInAcknowledgement, OpenAnswer

    def rows():
        return sorted((o.answer_id, o.therapist_id, o.client_id, o.danger) for o in OpenAnswer.objects.all())

    def inbox(member):
        c = Client()
        c.force_login(member.user)
        return c.get(reverse("checkin_inbox")).content.decode()

    link = sent_checkin(world)
    client.post(link, {**ANSWER, "worsening": "severe"})
    answer = CheckInAnswer.objects.get()
    assert rows() == [(answer.pk, world.therapist.pk, world.client.pk, True)]
    assert OpenAnswer.objects.get().submitted_at == answer.submitted_at
    assert "needs attention" in inbox(world.therapist) and "Cora Client" not in inbox(world.other_therapist)
    caseload = Client()
    caseload.force_login(world.therapist.user)
    assert "Check-ins that need your attention today" in caseload.get(reverse("caseload")).content.decode()

    # A second therapist takes the client on: the open answer is theirs to see too.
    CaseloadAssignment.objects.create(practice=world.practice, therapist=world.other_therapist, client=world.client)
    assert rows() == sorted([(answer.pk, world.therapist.pk, world.client.pk, True),
                             (answer.pk, world.other_therapist.pk, world.client.pk, True)])
    assert "needs attention" in inbox(world.other_therapist)
    # The first hands the client over: their row goes, the other's stays.
    CaseloadAssignment.objects.filter(therapist=world.therapist, client=world.client).update(ended_at=timezone.now())
    assert rows() == [(answer.pk, world.other_therapist.pk, world.client.pk, True)]
    assert "needs attention" not in inbox(world.therapist)

    CheckInAcknowledgement.objects.create(answer=answer, by=world.other_therapist, note="Called her.")
    assert rows() == []
    CheckInAcknowledgement.objects.create(answer=answer, by=world.other_therapist, note="Again.")  # harmless
    CaseloadAssignment.objects.create(practice=world.practice, therapist=world.therapist, client=world.client)
    assert rows() == [] and CheckInAnswer.objects.count() == 1  # acknowledged answers never come back
    assert "needs attention" not in inbox(world.other_therapist)
