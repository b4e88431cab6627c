"""Emailed requests to clients (check-ins, alliance surveys): one sender for all of them.

Delivery guarantees come from the database, not from the broker:
- the dispatcher claims due rows with `FOR UPDATE SKIP LOCKED` and marks them "sending" with a
  lease, so two dispatchers (two beats) never claim the same row;
- the send task locks its row and sends only if it is still "sending", so duplicated tasks
  send once;
- a row whose worker died, or whose task Redis lost, stays "sending" until its lease ends and
  is then claimed again, so nothing is lost;
- retries are rows put back to "scheduled" with a later due time (no ETA tasks in Redis).

A model joins by inheriting `Deliverable`; its capability's services call `send` and
`send_reminders` with two functions of their own: `blocked(client)` (why this client must not
be emailed now, or "") and `email(row)` (the message, from the capability's emails module). The
rows stay plain data: no model calls a service.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


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


Blocked = Callable[[models.Model], str]  # the row's client -> why not to email them, or ""
Email = Callable[[Deliverable], EmailMultiAlternatives]  # no clinical content, a signed link, `message_id` set


def send(model: type[Deliverable], row_id: str, *, blocked: Blocked, email: Email) -> str:
    """Send one claimed row. Returns what happened (for logs: ids and states only)."""
    with transaction.atomic():
        row = model.objects.select_for_update(of=("self",)).select_related(*model.delivery_related).filter(
            pk=row_id).first()
        if row is None or row.state != DeliveryState.SENDING:
            return "skipped"  # a duplicate task, or already handled
        reason = blocked(row.client)
        if reason:
            row.state, row.reason, row.lease_until = DeliveryState.NOT_SENT, reason, None
            row.save(update_fields=["state", "reason", "lease_until"])
            return "not_sent"
        try:
            email(row).send()
        except Exception as exc:  # SMTP and network errors: retry later from the database
            row.attempts += 1
            row.last_error = type(exc).__name__[:200]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = DeliveryState.UNDELIVERABLE
            else:
                row.state = DeliveryState.SCHEDULED
                row.due_at = timezone.now() + timedelta(minutes=2 ** row.attempts)
            row.save(update_fields=["attempts", "last_error", "state", "due_at"])
            log.warning("%s %s send failed (%s), attempt %s", model._meta.model_name, row.pk, row.last_error,
                        row.attempts)
            return row.state
        # The one window that cannot be closed: the mail server has accepted the message and
        # the process dies before this commit. The row stays "sending", its lease ends and it is
        # sent again; the stable Message-ID lets the receiving side drop the repeat.
        row.state, row.sent_at, row.lease_until = DeliveryState.SENT, timezone.now(), None
        row.save(update_fields=["state", "sent_at", "lease_until"])
        return "sent"


def send_reminders(model: type[Deliverable], after: timedelta, *, blocked: Blocked, email: Email) -> int:
    """One reminder `after` sending, each claimed once by a conditional update."""
    with transaction.atomic():
        ids = list(model.objects.select_for_update(skip_locked=True).filter(
            state=DeliveryState.SENT, reminder_claimed_at__isnull=True,
            sent_at__lt=timezone.now() - after).values_list("pk", flat=True)[:200])
        model.objects.filter(pk__in=ids).update(reminder_claimed_at=timezone.now())
    sent = 0
    for row in model.objects.filter(pk__in=ids).select_related(*model.delivery_related):
        # A crash between claim and send skips this reminder: a missed reminder is safer than two.
        if blocked(row.client):
            continue
        message = email(row)
        message.subject = f"Reminder: {message.subject}"
        message.extra_headers["Message-ID"] = row.message_id.replace("@", "-reminder@")
        message.send()
        model.objects.filter(pk=row.pk).update(reminded_at=timezone.now())
        sent += 1
    return sent
