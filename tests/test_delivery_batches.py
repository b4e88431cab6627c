"""Batched delivery (issue 19, part 3): one mail connection and one consent read per batch,
each row still locked, sent and marked on its own; a dead mail server defers the batch; chains
of batches started by beat and continued by each batch."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.consent import selectors as consent_selectors
from clients.consent import services as consent_services
from practice import delivery
from sessions.checkins import emails as checkin_emails
from sessions.checkins import services as svc
from sessions.checkins.models import CheckIn

from . import factories as f
from .test_checkins import email_consent, make_due


class CountingBackend(EmailBackend):
    """The in-memory backend, counting the connections opened and closed."""

    opened = 0
    closed = 0

    def open(self):
        if not getattr(self, "_open", False):
            self._open = True
            CountingBackend.opened += 1
            return True
        return False

    def close(self):
        if getattr(self, "_open", False):
            self._open = False
            CountingBackend.closed += 1


class DownBackend(CountingBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("down")


class FlakyBackend(CountingBackend):
    """Drops the connection on the second message only."""

    sent = 0

    def send_messages(self, messages):
        FlakyBackend.sent += 1
        if FlakyBackend.sent == 2:
            raise smtplib.SMTPServerDisconnected("dropped")
        return super().send_messages(messages)


@pytest.fixture
def counting(settings):
    CountingBackend.opened = CountingBackend.closed = 0
    FlakyBackend.sent = 0
    settings.EMAIL_BACKEND = "tests.test_delivery_batches.CountingBackend"
    return settings


def consent_queries(queries) -> int:
    return sum('"consent_' in q["sql"] or "consent" in q["sql"].split("FROM", 1)[-1][:80] for q in queries)


def test_a_batch_goes_over_one_connection_and_each_row_is_marked_on_its_own(world, counting):
    email_consent(world)
    rows = make_due(world, 12)
    ids = svc.claim_due()
    outcomes = svc.send_batch(ids)
    assert outcomes == {str(r.pk): "sent" for r in rows}
    assert (CountingBackend.opened, CountingBackend.closed) == (1, 1)
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(r.message_id for r in rows)
    assert set(CheckIn.objects.values_list("state", flat=True)) == {"sent"}
    assert not CheckIn.objects.filter(sent_at__isnull=True).exists()
    # A duplicated batch task finds nothing left to send.
    assert set(svc.send_batch(ids).values()) == {"skipped"} and len(mail.outbox) == 12


def test_consent_is_read_once_per_batch_whatever_its_size(world, counting):
    email_consent(world)
    make_due(world, 30)
    counts = []
    for size in (5, 25):
        ids = svc.claim_due(limit=size)
        with CaptureQueriesContext(connection) as ctx:
            svc.send_batch(ids)
        counts.append((len(ctx.captured_queries), consent_queries(ctx.captured_queries)))
    (small, small_consent), (large, large_consent) = counts
    assert small_consent == large_consent == 2
    assert large - small == 20  # per row, one statement: its mark (locks and reads are per batch)


def test_rows_a_duplicated_batch_holds_are_skipped_not_waited_for(world, counting):
    """Another worker holds two of the rows (a duplicated task mid-batch): this batch sends the
    rest and leaves those two to their holder."""
    email_consent(world)
    rows = make_due(world, 5)
    ids = svc.claim_due()
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, hashtext(id::text)) FROM unnest(%s::uuid[]) AS id",
                           [delivery._lock_class(CheckIn), [str(rows[0].pk), str(rows[3].pk)]])
        outcomes = svc.send_batch(ids)
        assert [outcomes[str(r.pk)] for r in rows] == ["skipped", "sent", "sent", "skipped", "sent"]
        assert len(mail.outbox) == 3
        assert set(CheckIn.objects.filter(pk__in=[rows[0].pk, rows[3].pk]).values_list("state", flat=True)) == {
            "sending"}
    finally:
        other.close()  # its locks end with its connection, as a dead worker's do
    assert svc.send_batch(ids) == {**dict.fromkeys(map(str, ids), "skipped"), str(rows[0].pk): "sent",
                                   str(rows[3].pk): "sent"}
    assert len(mail.outbox) == 5


def test_clients_without_consent_paused_or_gone_are_not_emailed_in_a_mixed_batch(world, counting):
    """Three clients of one practice and one of another in one batch: each gets their own answer."""
    email_consent(world)
    paused = f.client(world.practice, world.therapist, full_name="Pia Paused")
    paused.checkins_paused = True
    paused.save(update_fields=["checkins_paused"])
    unconsented = f.client(world.practice, world.therapist, full_name="Uma Unsigned")
    session = make_due(world)[0].session
    CheckIn.objects.bulk_create([CheckIn(client=c, session=session, day=50 + i, due_at=timezone.now() - timedelta(minutes=1))
                                 for i, c in enumerate((paused, unconsented, world.outsider_client))])
    svc.send_batch(svc.claim_due())
    rows = CheckIn.objects.values_list("client__membership__user__full_name", "state", "reason")
    assert {name: (state, reason) for name, state, reason in rows} == {
        "Cora Client": ("sent", ""), "Pia Paused": ("not_sent", "Paused by the client."),
        "Uma Unsigned": ("not_sent", "No consent in force for contact by email."),
        "Zed Zone": ("not_sent", "No consent in force for contact by email.")}
    assert [m.to for m in mail.outbox] == [[world.client.membership.user.email]]


def test_the_batch_reading_of_consent_agrees_with_each_clients_own(world):
    """Signed, revoked, signed an older version that needs re-signing, never signed, left the
    practice: the batch answer is each client's answer, in two queries."""
    from clients.consent.models import ConsentSignature, ConsentTemplateVersion

    email_consent(world)
    t = world.therapist
    revoked = f.client(world.practice, t, full_name="Rae Revoked")
    older = f.client(world.practice, t, full_name="Ola Older")
    never = f.client(world.practice, t, full_name="Nev Never")
    gone = f.client(world.practice, t, full_name="Gus Gone")
    doc = ConsentTemplateVersion.objects.get(template__kind="contact_email")

    def sign(c, version):
        text = consent_selectors.render(version, c)
        return consent_services.consent_sign(client=c, user=c.membership.user, version_id=version.pk,
                                             text_sha256=consent_services.sha256(text), typed_name=c.membership.user.full_name,
                                             ip_address=None, user_agent="t")

    for c in (revoked, older, gone):
        sign(c, doc)
    consent_services.consent_revoke(signature=ConsentSignature.objects.get(client=revoked),
                                    user=revoked.membership.user, reason="I prefer phone calls.")
    gone.membership.is_active = False
    gone.membership.save(update_fields=["is_active"])
    clients = [world.client, revoked, older, never, gone, world.outsider_client]
    one_by_one = {c.pk: consent_selectors.contact_blocked(c) for c in clients}
    with CaptureQueriesContext(connection) as ctx:
        together = consent_selectors.contact_blocked_for(clients)
    assert together == one_by_one and len(ctx.captured_queries) == 2
    assert together[world.client.pk] == together[older.pk] == ""
    assert together[gone.pk] == "The client's membership of the practice has ended."
    assert together[revoked.pk] == together[never.pk] == "No consent in force for contact by email."
    assert together[world.outsider_client.pk] == "No consent in force for contact by email."  # no document there
    # A correction keeps signatures in force.
    consent_services.template_write(by=world.admin, kind="contact_email", title="Contact by email", body="Yes, v2.",
                                    correction_reason="A typo in the practice's address.")
    assert consent_selectors.contact_blocked_for(clients)[older.pk] == ""
    # A new version to sign again: the older signature stays in force until they do (they are
    # asked to re-sign), so they are still emailed.
    consent_services.template_write(by=world.admin, kind="contact_email", title="Contact by email", body="Yes, v3.")
    after = consent_selectors.contact_blocked_for(clients)
    assert after[older.pk] == after[world.client.pk] == ""
    assert consent_selectors.kind_state(older, "contact_email").code == "resign"
    assert after == {c.pk: consent_selectors.contact_blocked(c) for c in clients}


def test_a_dead_mail_server_costs_three_attempts_and_defers_the_rest(world, counting):
    counting.EMAIL_BACKEND = "tests.test_delivery_batches.DownBackend"
    email_consent(world)
    make_due(world, 10)
    ids = svc.claim_due()
    before = timezone.now()
    outcomes = svc.send_batch(ids)
    assert list(outcomes.values()).count("scheduled") == delivery.GIVE_UP_AFTER
    assert list(outcomes.values()).count("deferred") == 10 - delivery.GIVE_UP_AFTER
    tried = CheckIn.objects.filter(attempts=1)
    untried = CheckIn.objects.filter(attempts=0)
    assert tried.count() == 3 and untried.count() == 7
    assert set(CheckIn.objects.values_list("state", flat=True)) == {"scheduled"}
    assert not CheckIn.objects.filter(lease_until__isnull=False).exists()
    for row in untried:  # two minutes later, like a first retry
        assert before + timedelta(minutes=2) <= row.due_at <= timezone.now() + timedelta(minutes=2)
    assert svc.claim_due() == []  # nothing due now: the server gets a rest


def test_a_dropped_connection_fails_one_row_and_the_next_opens_a_new_one(world, counting):
    counting.EMAIL_BACKEND = "tests.test_delivery_batches.FlakyBackend"
    email_consent(world)
    make_due(world, 5)
    outcomes = svc.send_batch(svc.claim_due())
    assert sorted(outcomes.values()) == ["scheduled", "sent", "sent", "sent", "sent"]
    assert CountingBackend.opened == 2 == CountingBackend.closed
    assert len(mail.outbox) == 4
    failed = CheckIn.objects.get(state="scheduled")
    assert failed.attempts == 1 and failed.last_error == "SMTPServerDisconnected"


def test_a_batch_past_its_time_puts_the_rest_back_to_be_claimed_at_once(world, counting):
    email_consent(world)
    make_due(world, 4)
    outcomes = delivery.send_batch(CheckIn, svc.claim_due(), blocked=consent_selectors.email_blocked_for,
                                   email=checkin_emails.checkin_request, budget=timedelta(0))
    assert sorted(outcomes.values()) == ["put back", "put back", "put back", "sent"]  # always one sent
    assert CheckIn.objects.filter(state="scheduled", attempts=0, due_at__lte=timezone.now()).count() == 3
    assert len(svc.claim_due()) == 3


def test_a_row_cancelled_after_the_claim_is_not_sent(world, counting):
    email_consent(world)
    rows = make_due(world, 3)
    ids = svc.claim_due()
    CheckIn.objects.filter(pk=rows[1].pk).update(state="cancelled", lease_until=None)
    outcomes = svc.send_batch(ids)
    assert outcomes[str(rows[1].pk)] == "skipped" and len(mail.outbox) == 2
    assert CheckIn.objects.get(pk=rows[1].pk).state == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_beat_starts_chains_up_to_the_setting_and_counts_those_running(world, counting):
    email_consent(world)
    session = make_due(world, 1)[0].session
    CheckIn.objects.bulk_create([CheckIn(client=world.client, session=session, day=10 + i,
                                         due_at=timezone.now() - timedelta(minutes=1)) for i in range(349)])
    queued = []
    assert svc.dispatch(queued.append, chains=3, batch=100) == 3
    assert [len(b) for b in queued] == [100, 100, 100]
    assert len({i for b in queued for i in b}) == 300
    assert svc.dispatch(queued.append, chains=3, batch=100) == 0  # three chains still running
    # One chain's worker died: its lease ends and beat starts a chain that claims its rows again.
    CheckIn.objects.filter(pk__in=queued[0]).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert svc.dispatch(queued.append, chains=3, batch=100) == 1
    assert len(queued[3]) == 100
    # Each batch, once sent, continues its chain until nothing is due; the dead chain's batch
    # is never sent by it, and nothing goes twice.
    for batch in queued[1:]:
        svc.send_batch(batch)
    more = []
    while svc.chain_on(more.append):
        svc.send_batch(more[-1])
    assert CheckIn.objects.exclude(state="sent").count() == 0
    assert len(mail.outbox) == 350

