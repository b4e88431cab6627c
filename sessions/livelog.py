"""Recording the live medicine-session log, and reading its current state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from practice.models import Membership
from screening.services import practice_policy

from . import vitals
from .flightplans.selectors import crisis_plan
from .log import DoseGiven, SessionEvent, VitalsReading, WaterIntake
from .models import Status, TherapySession
from .readiness import client_zone

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
    from clients.models import IntakeVersion
    from screening.facts import latest_submitted

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
    try:
        with transaction.atomic():
            return model.objects.create(session=session, recorded_by=by, **data)
    except IntegrityError as exc:
        if model.objects.filter(token=data["token"]).exists():
            raise AlreadyRecorded from exc
        raise ValidationError("The entry is outside the accepted range.") from exc


@dataclass(frozen=True)
class LiveState:
    now: datetime
    initial_at: datetime | None
    phase: str
    booster: str
    doses: list
    readings: list
    water_ml: int
    water_limit_ml: int
    events: list
    alerts: list[str]
    crisis: dict
    open_alerts: list[str] = ()  # emergency signs with nothing recorded about them yet
    outcomes: list = ()  # what was done about each sign (SessionEvent, kind "outcome")


def live_state(session: TherapySession) -> LiveState:
    now = timezone.now()
    doses = list(DoseGiven.objects.filter(session=session).order_by("at"))
    readings = list(VitalsReading.objects.filter(session=session).order_by("at"))
    water = list(WaterIntake.objects.filter(session=session).order_by("at"))
    events = list(SessionEvent.objects.filter(session=session).order_by("at"))
    initial = next((d.at for d in doses if d.which == DoseGiven.Which.INITIAL), None)
    booster = next((d.at for d in doses if d.which == DoseGiven.Which.BOOSTER), None)
    p = practice_policy(session.client.practice_id)
    signs = _signs(session, readings, events, p)
    done = {e.text for e in events if e.kind == SessionEvent.Kind.OUTCOME}
    crisis = crisis_plan(session.client)
    return LiveState(
        now=now, initial_at=initial, phase=vitals.phase(initial, now),
        booster=vitals.booster_window(initial, now, *p.booster_after_hours, booster_at=booster),
        doses=doses, readings=readings,
        water_ml=vitals.water_in_first_hours([(w.at, w.millilitres) for w in water], initial),
        water_limit_ml=int(p.water_limit_litres * 1000), events=events, alerts=signs,
        open_alerts=[sign for sign in signs if sign not in done],
        outcomes=[e for e in events if e.kind == SessionEvent.Kind.OUTCOME],
        crisis={"hospital": crisis.hospital, "notify": crisis.notify,
                "hotline": crisis.hotline or "Fireside Project (US) +1 (623) 473-7433",
                "version": crisis.version, "signed_on": crisis.signed_on},
    )


def _signs(session: TherapySession, readings, events, policy) -> list:
    alert_policy = vitals.AlertPolicy(policy.alert_temperature_c, policy.alert_systolic_jump,
                                      policy.alert_heart_rate_jump, policy.alert_systolic_max,
                                      policy.alert_diastolic_max)
    zone = client_zone(session.client)
    return vitals.emergency_signs(
        [vitals.Reading(r.at.astimezone(zone), r.systolic, r.diastolic, r.heart_rate, r.temperature_c)
         for r in readings],
        [(e.code, e.at.astimezone(zone)) for e in events if e.kind == SessionEvent.Kind.ADVERSE], alert_policy)


def _logged_signs(session: TherapySession) -> tuple[list, list]:
    """The session's events and its emergency signs, read once."""
    readings = list(VitalsReading.objects.filter(session=session).order_by("at"))
    events = list(SessionEvent.objects.filter(session=session).order_by("at"))
    return events, _signs(session, readings, events, practice_policy(session.client.practice_id))


def open_signs(session: TherapySession) -> list:
    """Emergency signs of the session with no outcome recorded for them yet."""
    events, signs = _logged_signs(session)
    done = {e.text for e in events if e.kind == SessionEvent.Kind.OUTCOME}
    return [sign for sign in signs if sign not in done]


def sign_key(sign: str) -> str:
    """A short stable key for a sign's text, for form field names."""
    return hashlib.sha256(sign.encode()).hexdigest()[:12]


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


def adverse_in_log(session: TherapySession) -> list[str]:
    """What the log says went wrong (adverse effects and emergency signs with their outcomes),
    for the note: a note cannot be signed with "Adverse events" empty while this is not."""
    events, signs = _logged_signs(session)
    zone = client_zone(session.client)
    lines = [f"{e.at.astimezone(zone):%H:%M} adverse effect: {vitals.ADVERSE_EFFECTS.get(e.code, (e.code,))[0]}"
             + (f" ({e.text})" if e.text else "") for e in events if e.kind == SessionEvent.Kind.ADVERSE]
    outcomes = {e.text: SessionEvent.Outcome(e.code).label for e in events if e.kind == SessionEvent.Kind.OUTCOME}
    for sign in signs:
        lines.append(f"Emergency sign: {sign}" + (f"; outcome: {outcomes[sign]}" if sign in outcomes else ""))
    return lines


def cyp2d6_window(session: TherapySession) -> list[tuple[str, int]]:
    """After a completed medicine session, when CYP2D6 activity is back to 50/75/88/94/97%,
    shown when a CYP2D6-dependent drug is on the client's list (else empty)."""
    from screening.rules import CYP2D6_RECOVERY

    if session.kind != "medicine" or session.status != Status.COMPLETED:
        return []
    review = session.client.screening_reviews.first()
    if not review or not any(f["code"] == "cyp2d6_after_session" for f in review.flags):
        return []
    ended = (session.ended_at or session.scheduled_start).astimezone(client_zone(session.client))
    return [((ended + timedelta(days=days)).strftime("%a %d %b"), pct) for days, pct in CYP2D6_RECOVERY]
