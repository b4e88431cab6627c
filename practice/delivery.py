"""Emailed requests to clients (check-ins, alliance surveys, appointment reminders): one sender.

Delivery guarantees come from the database, not from the broker:
- rows are claimed in batches with `FOR UPDATE SKIP LOCKED` and marked "sending" with a lease,
  so two dispatchers (two beats, two chains) never claim the same row;
- a batch task sends over one mail connection but locks, sends and marks each row on its own,
  sending only if the row is still "sending", so duplicated tasks send once;
- a row whose worker died, or whose task Redis lost, stays "sending" until its lease ends and
  is then claimed again, so nothing is lost;
- retries are rows put back to "scheduled" with a later due time (no ETA tasks in Redis);
- throughput comes from chains: beat's `dispatch` starts a few, and each batch task claims and
  queues the next batch when it is done (`chain_on`), so a backlog drains at the workers' speed
  and a claimed batch never waits in the queue long enough for its lease to run out.

A model joins by inheriting `Deliverable`; its capability's services call `dispatch`,
`send_batch` and `send_reminders` with two functions of their own: `blocked(clients)` (for
each client, why they must not be emailed now, or "") and `email(row)` (the message, from the
capability's emails module). The rows stay plain data: no model calls a service.
"""

from __future__ import annotations

import logging
import time
import uuid
import zlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # settings.DELIVERY_LEASE_SECONDS for chains (shorter in the fault tests)
MAX_ATTEMPTS = 5
BATCH = 100  # rows per send task: one mail connection and one consent read for all of them
BATCH_BUDGET = timedelta(seconds=60)  # well inside the task time limits and the lease
GIVE_UP_AFTER = 3  # failures in a row that mean the mail server is down for this batch


class DeliveryState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"
    NOT_SENT = "not_sent", "Not sent"  # no consent to email contact, or paused by the client
    UNDELIVERABLE = "undeliverable", "Undeliverable"


class Deliverable(models.Model):
    State = DeliveryState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.SCHEDULED)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)  # an error class, never message content
    reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_claimed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # What `send` joins when it locks a row (the recipient and the practice).
    delivery_related: tuple[str, ...] = ("client__membership__user", "client__practice")

    class Meta:
        abstract = True

    @property
    def message_id(self) -> str:
        # Stable per row, so a receiving system can drop a repeated delivery.
        return f"<{self._meta.model_name}-{self.pk}@practice.invalid>"


class _RowSigner(signing.TimestampSigner):
    """Stamps the row's due time instead of the clock: a message sent twice (the admitted window
    between the SMTP server's acceptance and our commit) carries the very same link."""

    def __init__(self, *, at, **kwargs):
        super().__init__(**kwargs)
        self._at = at

    def timestamp(self):
        return signing.b62_encode(int(self._at.timestamp()))


def link_token(row: Deliverable, salt: str) -> str:
    """The signed, timestamped token in an emailed link (the row id, nothing else), derived from
    the row alone; its age counts from the time the message was due."""
    return _RowSigner(salt=salt, at=row.due_at).sign(str(row.pk))


def id_from_token(token: str, *, salt: str, max_age: timedelta, expired: str) -> str:
    """The row id a link token carries, or ValidationError with a reason fit to show."""
    try:
        return signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(expired) from None
    except signing.BadSignature:
        raise ValidationError("This link is not valid. Check that you used the whole link from the email.") from None


def claim_due(model: type[Deliverable], limit: int = 200, lease: timedelta = LEASE) -> list[str]:
    """Mark due (or lease-expired) rows "sending" and return their ids. Safe to run concurrently."""
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET state = 'sending', lease_until = now() + %s
            WHERE id IN (
                SELECT id FROM {table}
                WHERE (state = 'scheduled' AND due_at <= now())
                   OR (state = 'sending' AND lease_until < now())
                ORDER BY due_at
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,  # noqa: S608 (the table name is our own model's, quoted)
            [lease, limit],
        )
        return [str(row[0]) for row in cursor.fetchall()]


Blocked = Callable[[list], dict]  # the batch's clients -> {client id: why not to email them, or ""}
Email = Callable[[Deliverable], EmailMultiAlternatives]  # no clinical content, a signed link, `message_id` set
Queue = Callable[[list[str]], object]  # puts one batch of claimed ids on the broker (a task's `delay`)

FAILED = ("scheduled", "undeliverable")  # what `send_batch` reports for a row whose sending failed


def send_batch(model: type[Deliverable], ids: list[str], *, blocked: Blocked, email: Email,
               budget: timedelta = BATCH_BUDGET) -> dict[str, str]:
    """Send claimed rows over one mail connection. {row id: what happened} (ids and states only).

    Each row is still sent and marked on its own, with a commit per row, so a crash repeats at
    most the message in flight. What is shared is what costs: the rows are locked in one
    statement (session advisory locks, held across the row commits: a duplicated batch task
    finds them held and skips them), read with their recipients in one query, consent in two,
    and the mail connection is opened once. After `GIVE_UP_AFTER` failures in a row the mail
    server is taken to be down and the rest wait two minutes (no attempt counted); past the time
    `budget` the rest go back to be claimed again at once.
    """
    outcomes = dict.fromkeys(map(str, ids), "skipped")  # a duplicate task, or already handled
    locked = _lock(model, ids)
    try:
        _marks_commit_without_waiting(True)
        rows = list(model.objects.filter(pk__in=locked, state=DeliveryState.SENDING)
                    .select_related(*model.delivery_related).order_by("due_at"))
        reasons = blocked([row.client for row in rows])
        outcomes.update(_not_sent(model, [row for row in rows if reasons[row.client_id]], reasons))
        rows = [row for row in rows if not reasons[row.client_id]]
        started, failures = time.monotonic(), 0
        mailer = mail.get_connection()
        try:
            for n, row in enumerate(rows):
                if n and (failures >= GIVE_UP_AFTER or time.monotonic() - started > budget.total_seconds()):
                    later = timezone.now() + timedelta(minutes=2) if failures else None
                    outcomes.update(_put_back(model, [r.pk for r in rows[n:]], later))
                    break
                outcomes[str(row.pk)] = outcome = _send_one(model, row, mailer, email)
                failures = failures + 1 if outcome in FAILED else 0
        finally:
            _close(mailer)
    finally:
        _marks_commit_without_waiting(False)
        _unlock(model, locked)
    return outcomes


def _marks_commit_without_waiting(on: bool) -> None:
    """Every mark a batch writes moves a row out of "sending". If PostgreSQL crashes before such a
    commit reaches the disk (its last fraction of a second), the row is "sending" again, its lease
    ends and it is sent again: a repeat, never a loss. So the marks need not wait for the disk
    (the claims do); this is the cost a mark saves most. Only this connection, only the batch."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")
    except Exception:  # a broken connection: nothing left to reset
        if on:
            raise
        log.warning("could not reset synchronous_commit")


def send(model: type[Deliverable], row_id: str, *, blocked: Blocked, email: Email) -> str:
    """Send one claimed row (tasks queued before batches existed). Returns what happened."""
    return send_batch(model, [row_id], blocked=blocked, email=email)[str(row_id)]


def _lock_class(model: type[Deliverable]) -> int:
    return zlib.crc32(model._meta.db_table.encode()) & 0x7FFFFFFF


def _lock(model: type[Deliverable], ids: list[str]) -> list[str]:
    """The ids of the batch this worker now holds; a row held elsewhere is left to its holder.
    The locks last until `_unlock`, or until the connection ends with a dead worker's process.
    (Two row ids that hash alike only delay one of them to a later claim.)"""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM unnest(%s::uuid[]) AS id WHERE pg_try_advisory_lock(%s, hashtext(id::text))",
                       [list(map(str, ids)), _lock_class(model)])
        return [str(row[0]) for row in cursor.fetchall()]


def _unlock(model: type[Deliverable], ids: list[str]) -> None:
    if not ids:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(id::text)) FROM unnest(%s::uuid[]) AS id",
                           [_lock_class(model), ids])
    except Exception:  # a broken connection: its locks went with it
        log.warning("%s: could not release batch locks", model._meta.model_name)


def _not_sent(model: type[Deliverable], rows: list, reasons: dict) -> dict[str, str]:
    """Rows whose client may not be emailed: marked with the reason staff see, one update per reason."""
    for reason in {reasons[row.client_id] for row in rows}:
        model.objects.filter(pk__in=[row.pk for row in rows if reasons[row.client_id] == reason],
                             state=DeliveryState.SENDING).update(state=DeliveryState.NOT_SENT, reason=reason,
                                                                 lease_until=None)
    return {str(row.pk): "not_sent" for row in rows}


def _send_one(model: type[Deliverable], row: Deliverable, mailer, email: Email) -> str:
    try:
        message = email(row)  # the link is signed with the row's due time: a repeat is the same message
        message.connection = mailer
        mailer.open()  # once per batch; again only after a failure closed it
        message.send()
    except Exception as exc:  # SMTP and network errors: retry later from the database
        _close(mailer)  # a broken connection is not reused for the next row
        attempts, error = row.attempts + 1, type(exc).__name__[:200]
        state = DeliveryState.UNDELIVERABLE if attempts >= MAX_ATTEMPTS else DeliveryState.SCHEDULED
        due_at = row.due_at if attempts >= MAX_ATTEMPTS else timezone.now() + timedelta(minutes=2 ** attempts)
        model.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
            attempts=attempts, last_error=error, state=state, due_at=due_at, lease_until=None)
        log.warning("%s %s send failed (%s), attempt %s", model._meta.model_name, row.pk, error, attempts)
        return state
    # The one window that cannot be closed: the mail server has accepted the message and the
    # process dies before this commit. The row stays "sending", its lease ends and it is sent
    # again; the stable Message-ID and the same body let the receiving side drop the repeat.
    # One statement, committed on its own (the hot path, so no ORM).
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608 (our own table)
                       "SET state = 'sent', sent_at = %s, lease_until = NULL WHERE id = %s AND state = 'sending'",
                       [timezone.now(), row.pk])
    return "sent"


def _put_back(model: type[Deliverable], ids: list, due_at) -> dict[str, str]:
    """Return unsent rows of a batch to "scheduled": "deferred" to `due_at` (the mail server is
    down), or "put back" as they were (the batch ran out of time)."""
    changes = {"state": DeliveryState.SCHEDULED, "lease_until": None}
    if due_at is not None:
        changes["due_at"] = due_at
    model.objects.filter(pk__in=ids, state=DeliveryState.SENDING).update(**changes)
    return {str(pk): "put back" if due_at is None else "deferred" for pk in ids}


def _close(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # closing a connection the server already dropped
        log.info("mail connection closed with an error")


def dispatch(model: type[Deliverable], queue: Queue, *, chains: int | None = None, batch: int = BATCH,
             lease: timedelta | None = None) -> int:
    """Beat's minute: start chains of batches until `chains` run (each batch task, when done,
    claims and queues the next one: `chain_on`). Returns how many were started.

    A running chain is a batch still "sending" under a live lease; one claim stamps all its rows
    with the same lease end, so distinct lease ends count the batches. A chain whose worker died
    stops counting when its lease ends, and the rows are claimed again by a new chain.
    """
    chains = settings.DELIVERY_CHAINS if chains is None else chains
    running = (model.objects.filter(state=DeliveryState.SENDING, lease_until__gt=timezone.now())
               .values("lease_until").distinct().count())
    started = 0
    for _ in range(chains - running):
        if not chain_on(model, queue, batch=batch, lease=lease):
            break
        started += 1
    return started


def chain_on(model: type[Deliverable], queue: Queue, *, batch: int = BATCH, lease: timedelta | None = None) -> int:
    """Claim the next batch and queue it; how many rows it holds (0: nothing due, the chain ends)."""
    ids = claim_due(model, batch, lease or timedelta(seconds=settings.DELIVERY_LEASE_SECONDS))
    if ids:
        queue(ids)
    return len(ids)


def send_reminders(model: type[Deliverable], after: timedelta, *, blocked: Blocked, email: Email) -> int:
    """One reminder `after` sending, each claimed once by a conditional update."""
    with transaction.atomic():
        ids = list(model.objects.select_for_update(skip_locked=True).filter(
            state=DeliveryState.SENT, reminder_claimed_at__isnull=True,
            sent_at__lt=timezone.now() - after).values_list("pk", flat=True)[:200])
        model.objects.filter(pk__in=ids).update(reminder_claimed_at=timezone.now())
    rows = list(model.objects.filter(pk__in=ids).select_related(*model.delivery_related))
    reasons = blocked([row.client for row in rows])
    sent, mailer = 0, mail.get_connection()
    try:
        for row in rows:
            # A crash between claim and send skips this reminder: a missed reminder is safer than two.
            if reasons[row.client_id]:
                continue
            message = email(row)
            message.subject = f"Reminder: {message.subject}"
            message.extra_headers["Message-ID"] = row.message_id.replace("@", "-reminder@")
            message.connection = mailer
            mailer.open()
            message.send()
            model.objects.filter(pk=row.pk).update(reminded_at=timezone.now())
            sent += 1
    finally:
        _close(mailer)
    return sent
