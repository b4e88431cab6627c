"""Alliance surveys: schedule, sign links, take answers, score, raise rupture alerts.

Sending, retries, leases and reminders are `practice.delivery`, the same sender as check-ins.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from clients.caseload.models import CaseloadAssignment, Client
from clients.consent.selectors import email_blocked_for
from practice import delivery
from practice.models import Membership
from practice.roles import Role
from practice.timing import TIMING
from screening.services import practice_policy
from sessions.checkins.services import due_at
from sessions.scheduling.models import Status, TherapySession
from sessions.scheduling.selectors import client_zone
from sessions.surveys import emails, instruments
from sessions.surveys.models import RuptureAcknowledgement, RuptureAlert, SurveyRequest, SurveyResponse, SurveySchedule
from sessions.surveys.rules import ruptures
from sessions.surveys.selectors import is_open, schedule_of

INSTRUMENT = "brwai"








def schedule_save(*, by: Membership, client: Client | None, first_sessions: int, after_medicine: bool,
                  every_weeks: int) -> SurveySchedule:
    if client is None and by.role != Role.ADMIN:
        raise PermissionDenied("Only practice admins set the practice's survey schedule.")
    return SurveySchedule.objects.create(practice_id=by.practice_id, client=client, first_sessions=first_sessions,
                                         after_medicine=after_medicine, every_weeks=every_weeks, created_by=by)


def _zone(client: Client):
    return client_zone(client)


def schedule_after_session(session: TherapySession) -> list[SurveyRequest]:
    """On completion: a survey about each practitioner present, if this is one of the first
    sessions with them or a medicine session (idempotent: one per session and practitioner)."""
    plan = schedule_of(session.client)
    zone = _zone(session.client)
    day = (session.ended_at or session.scheduled_start).astimezone(zone).date()
    made = []
    for practitioner in filter(None, (session.practitioner, session.second_practitioner)):
        together = TherapySession.objects.filter(client=session.client, status=Status.COMPLETED).filter(
            Q(practitioner=practitioner) | Q(second_practitioner=practitioner)).count()
        if together <= plan.first_sessions or (session.kind == "medicine" and plan.after_medicine):
            made += SurveyRequest.objects.bulk_create([SurveyRequest(
                client=session.client, practitioner=practitioner, session=session, slot=f"session:{session.pk}",
                instrument_key=INSTRUMENT, due_at=due_at(day, 1, zone.key))], ignore_conflicts=True)
    return made


def schedule_periodic(now=None) -> int:
    """Run by beat (every 15 minutes, idempotent): for each active caseload pair whose latest survey is older than the
    schedule's interval, one more. Pairs never surveyed start from their sessions instead."""
    now = now or timezone.now()
    latest = SurveyRequest.objects.filter(client=OuterRef("client"), practitioner=OuterRef("therapist")).order_by(
        "-due_at").values("due_at")[:1]
    # No schedule asks more often than weekly, so younger pairs need no closer look.
    pairs = (CaseloadAssignment.objects.filter(ended_at__isnull=True).annotate(latest=Subquery(latest))
             .filter(latest__lt=now - timedelta(weeks=1)).select_related("client__practice"))
    made = 0
    for pair in pairs:
        plan = schedule_of(pair.client)
        if not plan.every_weeks or pair.latest > now - timedelta(weeks=plan.every_weeks):
            continue
        zone = _zone(pair.client)
        today = now.astimezone(zone).date()
        try:
            with transaction.atomic():
                SurveyRequest.objects.create(client=pair.client, practitioner_id=pair.therapist_id,
                                             slot=f"every:{today.isoformat()}", instrument_key=INSTRUMENT,
                                             due_at=due_at(today, 1 if now.astimezone(zone).hour >= 10 else 0,
                                                           zone.key))
            made += 1
        except IntegrityError:
            pass  # another beat made it already
    return made


def request_from_token(token: str) -> SurveyRequest:
    request_id = delivery.id_from_token(token, salt=emails.SALT, max_age=TIMING.survey_valid_for,
                                        expired="This survey link has expired. Thank you all the same.")
    request = (SurveyRequest.objects.select_related("client__practice", "client__membership__user", "practitioner__user")
               .filter(pk=request_id).first())
    if request is None:
        raise ValidationError("This link is not valid.")
    return request


def claim_due(limit: int = 200, lease: timedelta = delivery.LEASE) -> list[str]:
    return delivery.claim_due(SurveyRequest, limit, lease)


def dispatch(queue: delivery.Queue, **kwargs) -> int:
    return delivery.dispatch(SurveyRequest, queue, **kwargs)


def chain_on(queue: delivery.Queue) -> int:
    return delivery.chain_on(SurveyRequest, queue)


def send_batch(ids: list[str]) -> dict[str, str]:
    return delivery.send_batch(SurveyRequest, ids, blocked=email_blocked_for, email=emails.survey_request)


def send(request_id: str) -> str:
    return delivery.send(SurveyRequest, request_id, blocked=email_blocked_for, email=emails.survey_request)


def send_reminders() -> int:
    return delivery.send_reminders(SurveyRequest, TIMING.survey_remind_after, blocked=email_blocked_for,
                                   email=emails.survey_request)


def expire() -> int:
    cutoff = timezone.now() - TIMING.survey_valid_for
    return SurveyRequest.objects.filter(
        Q(state=SurveyRequest.State.SENT, sent_at__lt=cutoff)
        | Q(state=SurveyRequest.State.NOT_SENT, due_at__lt=cutoff)).update(state=SurveyRequest.State.MISSED)


@transaction.atomic
def response_save(*, request: SurveyRequest, raw_answers: dict, at=None) -> SurveyResponse:
    """Score and store one answered survey; refuses a second answer, an expired or unopened
    survey, and a practitioner the client no longer works with. Nothing is stored on refusal.
    `at` is when the answers were given (the demo seed's history); default now."""
    at = at or timezone.now()
    request = SurveyRequest.objects.select_for_update().select_related("client__practice").get(pk=request.pk)
    if request.state == SurveyRequest.State.ANSWERED:
        raise ValidationError("This survey has already been answered. Thank you.")
    if not is_open(request, at):
        raise ValidationError("This survey is closed: it has expired or is not open yet.")
    if not CaseloadAssignment.objects.filter(client=request.client, therapist=request.practitioner,
                                             ended_at__isnull=True).exists():
        raise ValidationError("This survey is about a practitioner you no longer work with, so it cannot be stored.")
    instrument = instruments.load(request.instrument_key)
    try:
        answers = instruments.clean_answers(instrument, raw_answers)
    except instruments.AnswerError as exc:
        raise ValidationError(str(exc)) from None
    scores = instruments.score(instrument, answers)
    previous = (SurveyResponse.objects.filter(client=request.client, practitioner=request.practitioner,
                                              submitted_at__lt=at)
                .order_by("-submitted_at").values_list("total", flat=True).first())
    response = SurveyResponse.objects.create(
        request=request, client=request.client, practitioner=request.practitioner, instrument_key=instrument.key,
        instrument_version=instrument.version, definition=instrument.definition,
        answers={str(k): v for k, v in answers.items()}, total=scores.total, subscales=scores.subscales,
        mean=scores.mean, submitted_at=at)

    for rupture in ruptures(instrument, answers, scores, previous, practice_policy(request.client.practice_id)):
        RuptureAlert.objects.create(response=response, rule=rupture.rule, detail=rupture.detail[:300])
    request.state = SurveyRequest.State.ANSWERED
    request.save(update_fields=["state"])
    return response


def acknowledge(*, alert: RuptureAlert, by: Membership, note: str) -> RuptureAcknowledgement:
    try:
        with transaction.atomic():
            return RuptureAcknowledgement.objects.create(alert=alert, by=by, note=note.strip()[:2000])
    except IntegrityError:
        raise ValidationError("This alert was already acknowledged.") from None
