"""Writes of the appointment book: schedule, start and close sessions (a medicine session passes
the readiness checklist first; closing one schedules its check-ins and alliance surveys)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.caseload.models import Client
from practice.models import Membership
from sessions.checkins.services import schedule_for
from sessions.livelog.selectors import open_signs
from sessions.livelog.services import record_outcomes
from sessions.readiness import rules as gates
from sessions.readiness.selectors import gate_facts, start_checklist
from sessions.readiness.services import gate_check_record, records_refusals, run_gate
from sessions.reminders.services import reminder_cancel, reminder_schedule
from sessions.scheduling.models import CalendarFeed, Kind, Status, TherapySession
from sessions.surveys.services import schedule_after_session


@records_refusals(gates.SCHEDULE)
@transaction.atomic
def session_schedule(*, client: Client, practitioner: Membership, kind: str, start: datetime, other_people: str = "",
                     initial_mg: Decimal | None = None, booster_mg: Decimal | None = None,
                     rationale: str = "", second_practitioner: Membership | None = None,
                     acknowledgements: dict[str, str] | None = None, duration_minutes: int | None = None,
                     place: str = "", video_link: str = "") -> TherapySession:
    if start <= timezone.now():
        raise ValidationError("That time has passed: choose a time in the future.")
    if second_practitioner is not None and (second_practitioner.practice_id != client.practice_id
                                            or second_practitioner.role != "therapist"):
        raise ValidationError("The second practitioner must be a therapist of this practice.")
    Client.objects.select_for_update().filter(pk=client.pk).first()
    lines = None
    if kind == Kind.MEDICINE:
        lines, result = run_gate(client=client, by=practitioner, rationale=rationale,
                                 acknowledgements=acknowledgements or {},
                                 check=lambda: gates.readiness(gate_facts(
                                     client=client, practitioner=practitioner, start=start, initial_mg=initial_mg,
                                     booster_mg=booster_mg, stage=gates.SCHEDULE)))
    session = TherapySession.objects.create(
        client=client, practitioner=practitioner, kind=kind, scheduled_start=start, other_people=other_people.strip(),
        second_practitioner=second_practitioner, duration_minutes=duration_minutes, place=place.strip(),
        video_link=video_link.strip(),
        planned_initial_mg=initial_mg if kind == Kind.MEDICINE else None,
        planned_booster_mg=booster_mg if kind == Kind.MEDICINE else None,
    )
    if lines is not None:
        gate_check_record(session=session, stage=gates.SCHEDULE, lines=lines, outcome=result, rationale=rationale,
                          by=practitioner)
    reminder_schedule(session)  # the client's reminder before it (sent only with email consent)
    return session


@records_refusals(gates.START)
@transaction.atomic
def session_start(*, session: TherapySession, by: Membership, rationale: str = "",
                  acknowledgements: dict[str, str] | None = None) -> TherapySession:
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be started.")
    if session.kind == Kind.MEDICINE:
        lines, result = run_gate(client=session.client, by=by, rationale=rationale,
                                 acknowledgements=acknowledgements or {}, check=lambda: start_checklist(session, by))
        gate_check_record(session=session, stage=gates.START, lines=lines, outcome=result, rationale=rationale, by=by)
    session.status = Status.IN_PROGRESS
    session.started_at = timezone.now()
    session.save(update_fields=["status", "started_at"])
    return session


@records_refusals(gates.SCHEDULE)
@transaction.atomic
def session_reschedule(*, session: TherapySession, start: datetime, by: Membership, reason: str, rationale: str = "",
                       acknowledgements: dict[str, str] | None = None) -> TherapySession:
    """Move a scheduled session, with the reason. A medicine session passes the readiness
    checklist again for its new day (kept as a GateCheck); its reminder moves with it."""
    session = TherapySession.objects.select_for_update().select_related("client__practice").get(pk=session.pk)
    if session.status != Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be moved.")
    if start <= timezone.now():
        raise ValidationError("The new time has passed: choose a time from now on.")
    if len(reason.strip()) < 3:
        raise ValidationError("Say why the session moves.")
    if session.kind == Kind.MEDICINE:
        lines, result = run_gate(client=session.client, by=by, rationale=rationale,
                                 acknowledgements=acknowledgements or {},
                                 check=lambda: gates.readiness(gate_facts(
                                     client=session.client, practitioner=session.practitioner, start=start,
                                     initial_mg=session.planned_initial_mg, booster_mg=session.planned_booster_mg,
                                     stage=gates.SCHEDULE, exclude_session=session)))
        gate_check_record(session=session, stage=gates.SCHEDULE, lines=lines, outcome=result, rationale=rationale,
                          by=by)
    session.scheduled_start, session.change_reason = start, reason.strip()[:500]
    session.save(update_fields=["scheduled_start", "change_reason"])
    reminder_schedule(session)
    return session


TRANSITIONS = {
    Status.SCHEDULED: {Status.CANCELLED, Status.NO_SHOW},
    Status.IN_PROGRESS: {Status.COMPLETED},
}


@transaction.atomic
def session_set_status(*, session: TherapySession, status: str, by: Membership | None = None,
                       outcomes: dict[str, str] | None = None, reason: str = "") -> TherapySession:
    """Move a session on. Closing a medicine session first records what became of each
    emergency sign still open in its log (`outcomes`: {sign key: resolved | medical_care |
    emergency}); it is refused while any sign has none."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if status not in TRANSITIONS.get(session.status, set()):
        raise ValidationError(f"A {session.get_status_display().lower()} session cannot become {status.replace('_', ' ')}.")
    if status == Status.COMPLETED and session.kind == Kind.MEDICINE:
        if outcomes and by is not None:
            record_outcomes(session=session, by=by, outcomes=outcomes)
        still_open = open_signs(session)
        if still_open:
            raise ValidationError("Record what became of each emergency sign before closing the session: "
                                  + "; ".join(still_open) + ".")
    if status == Status.CANCELLED and by is not None and len(reason.strip()) < 3:
        raise ValidationError("Say why the session is cancelled.")
    session.status = status
    if status == Status.COMPLETED:
        session.ended_at = timezone.now()
    if reason.strip():
        session.change_reason = reason.strip()[:500]
    session.save(update_fields=["status", "ended_at", "change_reason"])
    if status in (Status.CANCELLED, Status.NO_SHOW):
        reminder_cancel(session)
    if status == Status.COMPLETED:
        schedule_for(session)  # integration check-ins on days 1, 3, 7, 14 and 28
        schedule_after_session(session)  # alliance surveys (brwai.md schedule)
    return session


def calendar_feed_renew(*, membership: Membership) -> str:
    """A new private calendar link for this staff member (the old one stops working); returns the
    secret, which is shown once and stored only as a hash."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(membership=membership, defaults={
        "token_sha256": hashlib.sha256(token.encode()).hexdigest(), "created_at": timezone.now()})
    return token


def calendar_feed_revoke(*, membership: Membership) -> int:
    deleted, _ = CalendarFeed.objects.filter(membership=membership).delete()
    return deleted
