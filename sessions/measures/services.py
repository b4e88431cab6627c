"""Writes of the symptom measures: the client's answers (scored, banded, a danger answer raised
to the therapists at once), acknowledgements, and escalation to supervisors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from clients.caseload.models import Client
from clients.caseload.tasks import notify_attention
from practice.tasking import publish
from sessions.checkins.services import escalate_overdue
from sessions.measures.models import MeasureAcknowledgement, MeasureEscalation, MeasureResponse, MeasureSchedule
from sessions.measures.selectors import due_for
from sessions.surveys import instruments


@transaction.atomic
def response_save(*, client: Client, instrument_key: str, slot_key: str, raw_answers: dict) -> MeasureResponse:
    """Refused (ValidationError, nothing written) unless this measure is due in this slot now."""
    Client.objects.select_for_update().filter(pk=client.pk).first()  # one answer per slot, even on a double tap
    slot = next((s for key, s in due_for(client) if key == instrument_key and s.key == slot_key), None)
    if slot is None:
        raise ValidationError("This questionnaire is not open: it was answered already, or its time has passed.")
    instrument = instruments.load(instrument_key)
    scores = instruments.score(instrument, raw_answers)  # AnswerError (a ValidationError's cousin) names the problem
    answers = instruments.clean_answers(instrument, raw_answers)
    response = MeasureResponse.objects.create(
        client=client, instrument_key=instrument.key, instrument_version=instrument.version,
        definition=instrument.definition, slot=slot.key, slot_label=slot.label,
        answers={str(k): v for k, v in answers.items()}, total=scores.total, subscales=scores.subscales,
        band=instruments.band(instrument, scores.total), danger=bool(instruments.danger_reasons(instrument, answers)))
    if response.danger:
        # The same alert as a danger check-in: the client's therapists at once, no content.
        transaction.on_commit(lambda: publish(notify_attention, str(client.pk)))
    return response


def acknowledge(*, response: MeasureResponse, by, note: str) -> MeasureAcknowledgement:
    return MeasureAcknowledgement.objects.create(response=response, by=by, note=note.strip()[:2000])


def escalate_unacknowledged() -> int:
    """Tell the supervisors about danger questionnaire answers nobody acknowledged in time, once
    each: the check-ins' escalation, with the same policy."""
    open_ = MeasureResponse.objects.filter(danger=True, acknowledgements__isnull=True, escalation__isnull=True
                                           ).select_related("client__practice")
    return escalate_overdue(open_, lambda response: response.client,
                            lambda response: MeasureEscalation.objects.get_or_create(response=response)[1],
                            "questionnaire answer")


def schedule_save(*, by, at_intake: bool, before_medicine: bool, first_follow_up_weeks: int,
                  second_follow_up_weeks: int) -> MeasureSchedule:
    """A new version of the practice's schedule (admins only)."""
    if by.role != "admin":
        raise PermissionDenied("Only practice admins set the questionnaire schedule.")
    return MeasureSchedule.objects.create(practice_id=by.practice_id, at_intake=at_intake, before_medicine=before_medicine,
                                          first_follow_up_weeks=first_follow_up_weeks,
                                          second_follow_up_weeks=second_follow_up_weeks, created_by=by)
