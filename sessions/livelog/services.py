"""Recording the live medicine-session log, and reading its current state."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.intake.models import IntakeVersion
from practice.models import Membership
from screening.facts import latest_submitted
from screening.services import practice_policy
from sessions.livelog import rules as vitals
from sessions.livelog.models import DoseGiven, SessionEvent, VitalsReading, WaterIntake
from sessions.livelog.selectors import open_signs, sign_key
from sessions.scheduling.models import Status, TherapySession

CLOCK_SKEW = timedelta(minutes=2)


MODELS = {"dose": DoseGiven, "vitals": VitalsReading, "water": WaterIntake, "event": SessionEvent}


class AlreadyRecorded(Exception):
    """The same form was submitted twice (a double tap): the first write stands."""


def _check_time(session: TherapySession, at: datetime) -> None:
    now = timezone.now()
    if at > now + CLOCK_SKEW:
        raise ValidationError("That time is in the future.")
    if session.started_at and at < session.started_at - timedelta(hours=1):
        raise ValidationError("That time is before the session started.")


def _check_dose(session: TherapySession, which: str, amount: Decimal, at: datetime) -> str:
    """Refuse a dose out of order or above the ceiling; return the warning to keep with it
    when it departs from the plan or the booster window (empty when it does not)."""
    doses = list(DoseGiven.objects.filter(session=session).order_by("at"))
    initial = next((d for d in doses if d.which == DoseGiven.Which.INITIAL), None)
    if which == DoseGiven.Which.INITIAL and initial:
        raise ValidationError("The initial dose is already recorded.")
    if which != DoseGiven.Which.INITIAL:
        if initial is None:
            raise ValidationError("Record the initial dose first.")
        if at <= initial.at:
            raise ValidationError("A booster or extra dose cannot come before the initial dose.")
    mass = _mass(session)
    policy = practice_policy(session.client.practice_id)
    ceiling = policy.ceiling_mg(mass)
    total = sum((d.amount_mg for d in doses), Decimal(0)) + amount
    if total > ceiling:
        raise ValidationError(f"Refused: the total would be {total} mg, above the ceiling of {ceiling:.1f} mg.")
    return " ".join(vitals.dose_warnings(
        which=which, at=at, initial_at=initial.at if initial else None,
        boosters_given=sum(d.which == DoseGiven.Which.BOOSTER for d in doses),
        planned_initial_mg=session.planned_initial_mg, planned_booster_mg=session.planned_booster_mg,
        amount_mg=amount, window=policy.booster_after_hours))


def _mass(session: TherapySession):
    intake = latest_submitted(IntakeVersion, session.client)
    return intake.body_mass_kg if intake else None


@transaction.atomic
def record(*, session: TherapySession, by: Membership, kind: str, data: dict):
    """Write one log entry. Refuses entries for a session not in progress, times in the
    future, doses out of order or above the ceiling; a repeated token is AlreadyRecorded."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    model = MODELS[kind]
    # A repeated token first: the second tap must not be judged as a new entry.
    if model.objects.filter(token=data["token"]).exists():
        raise AlreadyRecorded
    if session.status != Status.IN_PROGRESS:
        raise ValidationError("The session is not in progress.")
    data = dict(data)
    data["at"] = data.get("at") or timezone.now()
    _check_time(session, data["at"])
    if kind == "dose":
        data["warning"] = _check_dose(session, data["which"], data["amount_mg"], data["at"])
    if kind == "event" and data.get("kind") == SessionEvent.Kind.ADVERSE \
            and data.get("severity") not in SessionEvent.Severity.values:
        raise ValidationError("Choose how serious the adverse effect was.")
    try:
        with transaction.atomic():
            return model.objects.create(session=session, recorded_by=by, **data)
    except IntegrityError as exc:
        if model.objects.filter(token=data["token"]).exists():
            raise AlreadyRecorded from exc
        raise ValidationError("The entry is outside the accepted range.") from exc


def record_outcomes(*, session: TherapySession, by: Membership, outcomes: dict[str, str]) -> int:
    """Record what was done about each open emergency sign ({sign key: outcome code}); the
    caller holds the session's row lock. Returns how many were recorded."""
    valid = set(SessionEvent.Outcome.values)
    recorded = 0
    for sign in open_signs(session):
        code = outcomes.get(sign_key(sign))
        if code in valid:
            SessionEvent.objects.create(session=session, recorded_by=by, at=timezone.now(),
                                        kind=SessionEvent.Kind.OUTCOME, code=code, text=str(sign))
            recorded += 1
    return recorded


@transaction.atomic
def sign_outcome_record(*, session: TherapySession, by: Membership, key: str, data: dict) -> SessionEvent:
    """Record what was done about one open emergency sign (`key`: its sign_key), at the time
    given or now: a log entry like any other (one-time token, time checks), which closes the
    sign. Refused when the sign is not open (already handled, or not a sign of this session)."""
    # Locked first, so two practitioners handling the same sign at once record it once.
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    sign = next((s for s in open_signs(session) if sign_key(s) == key), None)
    if sign is None:
        if SessionEvent.objects.filter(token=data["token"]).exists():
            raise AlreadyRecorded
        raise ValidationError("This sign already has an outcome recorded.")
    return record(session=session, by=by, kind="event",
                  data={**data, "kind": SessionEvent.Kind.OUTCOME, "text": str(sign)})
