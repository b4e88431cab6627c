"""Gather the facts for a medicine session's readiness checklist, and schedule or start it.

The checklist itself (sessions/gates.py) and the safety rules (screening/rules.py) are pure;
this module reads the database, evaluates the rules as of the session's day in the client's
time zone with the planned dose, and writes sessions and gate checks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.consent import ConsentKind
from clients.consents import states_for
from clients.models import Client
from practice.models import Membership
from screening.dosing import standard_dose
from screening.facts import build_facts, sources_for
from screening.models import CautionAcknowledgement
from screening.rules import age_on, evaluate
from screening.services import RATIONALE_MIN, flag_digest, gate_caution_acknowledge, practice_policy

from . import gates
from .flightplans.selectors import latest_screening_at, plan_in_force
from .models import GateCheck, Kind, Status, TherapySession


class GateBlocked(ValidationError):
    """The checklist stops this step; `lines` is the checklist to show."""

    def __init__(self, message: str, lines):
        super().__init__(message)
        self.lines = lines


def client_zone(client: Client) -> ZoneInfo:
    """The client's zone: from their latest submitted intake, else the practice's."""
    from clients.models import IntakeVersion
    from screening.facts import latest_submitted

    intake = latest_submitted(IntakeVersion, client)
    return ZoneInfo(intake.time_zone if intake else client.practice.time_zone)


def local_start(client: Client, day: date, at: time) -> datetime:
    """The UTC instant of `day` `at` on the client's wall clock.

    Clock changes: a time skipped by a spring-forward change does not exist and is refused;
    a time repeated in autumn means its first occurrence (fold=0).
    """
    zone = client_zone(client)
    local = datetime.combine(day, at).replace(tzinfo=zone)
    roundtrip = local.astimezone(ZoneInfo("UTC")).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(f"{at:%H:%M} does not exist on {day:%d %b %Y} in {zone.key}: the clocks change. "
                              "Choose another time.")
    return local.astimezone(ZoneInfo("UTC"))


def _dose_is_standard(initial: Decimal, booster: Decimal | None, mass, age: int, flags) -> bool:
    """The standard initial dose (or its CYP2D6 reduction), with no booster or half of it
    where a booster is suggested at all."""
    plan = standard_dose(mass_kg=mass, age=age, flags=flags)
    if initial not in {plan.initial_mg, plan.reduced_initial_mg}:
        return False
    if not booster:
        return True  # leaving the booster out is always within the standard
    return plan.booster_mg is not None and booster == (initial / 2).quantize(Decimal("0.1"))


def gate_facts(*, client: Client, practitioner: Membership, start: datetime, initial_mg: Decimal | None,
               booster_mg: Decimal | None, stage: str, exclude_session: TherapySession | None = None) -> gates.GateFacts:
    sources = sources_for(client)
    zone = ZoneInfo(sources.intake.time_zone if sources.intake else client.practice.time_zone)
    as_of = start.astimezone(zone).date()
    facts = build_facts(client, sources, as_of=as_of, session=exclude_session, for_session=True)
    mass = facts.mass_kg
    completed = TherapySession.objects.filter(client=client, kind=Kind.MEDICINE, status=Status.COMPLETED)
    policy = practice_policy(client.practice_id)
    # Past sessions count by the dose actually given where it was logged, else as planned.
    high = sum(1 for row in dose_history(client) if row["session"].status == Status.COMPLETED and row["per_kg"]
               and row["per_kg"] > policy.high_dose_mg_per_kg)
    total = None if initial_mg is None else initial_mg + (booster_mg or 0)
    facts = replace(facts, planned_total_mg=total, prior_high_dose_sessions=high)
    flags = tuple(evaluate(facts, policy))
    acks = {(a.flag_key, a.flag_digest) for a in CautionAcknowledgement.objects.filter(client=client)}
    acknowledged = frozenset(f.key for f in flags if (f.key, flag_digest(f)) in acks)

    last_medicine = completed.order_by("-scheduled_start").values_list("scheduled_start", flat=True).first()
    screened = latest_screening_at(client)
    plan, plan_reason = plan_in_force(client)
    content = plan.content if plan else {}
    versions, states = states_for([client], client.practice_id)
    by_kind = {v.template.kind: states[client.pk][v.template_id] for v in versions}

    def in_force(kind):
        state = by_kind.get(kind)
        return bool(state and state.in_force)

    prior = TherapySession.objects.filter(client=client, practitioner=practitioner, status=Status.COMPLETED)
    if exclude_session is not None:
        prior = prior.exclude(pk=exclude_session.pk)
    from .surveys import RuptureAlert, SurveyResponse

    alliance = (SurveyResponse.objects.filter(client=client, practitioner=practitioner).order_by("-submitted_at")
                .values_list("total", flat=True).first())
    ruptures = RuptureAlert.objects.filter(response__client=client, response__practitioner=practitioner,
                                           acknowledgement__isnull=True).count()
    return gates.GateFacts(
        latest_alliance_total=alliance, open_rupture_alerts=ruptures,
        stage=stage, flags=flags, acknowledged=acknowledged, screening_complete=sources.complete,
        screened_since_last_medicine_session=bool(screened) and (last_medicine is None or screened > last_medicine),
        informed_consent_in_force=in_force(ConsentKind.INFORMED),
        flight_plan_in_force=plan is not None, flight_plan_reason=plan_reason,
        plan_allows_touch=bool(content.get("touch_allowed")), touch_consent_in_force=in_force(ConsentKind.TOUCH),
        plan_records_session=content.get("recording") in ("audio", "video"),
        recording_consent_in_force=in_force(ConsentKind.RECORDING),
        substance_test_recorded=bool(content.get("substance_test")),
        prior_sessions_with_practitioner=prior.count(),
        dose_planned=initial_mg is not None,
        dose_is_standard=initial_mg is None or not mass or facts.age is None
        or _dose_is_standard(initial_mg, booster_mg, mass, facts.age, list(flags)),
    )


def _decide(lines, rationale: str) -> str:
    result = gates.outcome(lines)
    if result == gates.REFUSED:
        waiting = sum(1 for line in lines if line.ack_key)
        extra = f" {waiting} caution(s) each need their own rationale (at least a sentence each)." if waiting else ""
        raise GateBlocked(f"Refused: the readiness checklist has red lines.{extra} Nothing was changed.", lines)
    if result == gates.RATIONALE and len(rationale.strip()) < RATIONALE_MIN:
        raise GateBlocked("Amber lines need your written rationale (at least a sentence) to proceed.", lines)
    return result


def _checked(client: Client, by: Membership, check, acknowledgements: dict[str, str]) -> list:
    """The checklist, after recording the rationale written for each caution on its own line."""
    lines = check()
    recorded = False
    for line in lines:
        text = (acknowledgements.get(line.ack_key) or "").strip() if line.ack_key else ""
        if len(text) >= RATIONALE_MIN:
            gate_caution_acknowledge(client=client, flag=line.flag, rationale=text, by=by)
            recorded = True
    return check() if recorded else lines


def _line_json(lines) -> list[dict]:
    return [{"level": ln.level, "code": ln.code, "text": ln.text, "fix": ln.fix, "hard": ln.hard} for ln in lines]


@transaction.atomic
def session_schedule(*, client: Client, practitioner: Membership, kind: str, start: datetime, other_people: str = "",
                     initial_mg: Decimal | None = None, booster_mg: Decimal | None = None,
                     rationale: str = "", second_practitioner: Membership | None = None,
                     acknowledgements: dict[str, str] | None = None) -> TherapySession:
    if start <= timezone.now():
        raise ValidationError("A session is scheduled in the future.")
    if second_practitioner is not None and (second_practitioner.practice_id != client.practice_id
                                            or second_practitioner.role != "therapist"):
        raise ValidationError("The second practitioner must be a therapist of this practice.")
    Client.objects.select_for_update().filter(pk=client.pk).first()
    lines = None
    if kind == Kind.MEDICINE:
        lines = _checked(client, practitioner, lambda: gates.readiness(gate_facts(
            client=client, practitioner=practitioner, start=start, initial_mg=initial_mg, booster_mg=booster_mg,
            stage=gates.SCHEDULE)), acknowledgements or {})
        result = _decide(lines, rationale)
    session = TherapySession.objects.create(
        client=client, practitioner=practitioner, kind=kind, scheduled_start=start, other_people=other_people.strip(),
        second_practitioner=second_practitioner,
        planned_initial_mg=initial_mg if kind == Kind.MEDICINE else None,
        planned_booster_mg=booster_mg if kind == Kind.MEDICINE else None,
    )
    if lines is not None:
        GateCheck.objects.create(session=session, stage=gates.SCHEDULE, lines=_line_json(lines), outcome=result,
                                 rationale=rationale.strip() if result == gates.RATIONALE else "",
                                 checked_by=practitioner)
    return session


def start_checklist(session: TherapySession, by: Membership) -> list:
    """Everything re-checked now, as of the moment of starting."""
    return gates.readiness(gate_facts(client=session.client, practitioner=session.practitioner, start=timezone.now(),
                                      initial_mg=session.planned_initial_mg, booster_mg=session.planned_booster_mg,
                                      stage=gates.START, exclude_session=session))


@transaction.atomic
def session_start(*, session: TherapySession, by: Membership, rationale: str = "",
                  acknowledgements: dict[str, str] | None = None) -> TherapySession:
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be started.")
    if session.kind == Kind.MEDICINE:
        lines = _checked(session.client, by, lambda: start_checklist(session, by), acknowledgements or {})
        result = _decide(lines, rationale)
        GateCheck.objects.create(session=session, stage=gates.START, lines=_line_json(lines), outcome=result,
                                 rationale=rationale.strip() if result == gates.RATIONALE else "", checked_by=by)
    session.status = Status.IN_PROGRESS
    session.started_at = timezone.now()
    session.save(update_fields=["status", "started_at"])
    return session


TRANSITIONS = {
    Status.SCHEDULED: {Status.CANCELLED, Status.NO_SHOW},
    Status.IN_PROGRESS: {Status.COMPLETED},
}


@transaction.atomic
def session_set_status(*, session: TherapySession, status: str, by: Membership | None = None,
                       outcomes: dict[str, str] | None = None) -> TherapySession:
    """Move a session on. Closing a medicine session first records what became of each
    emergency sign still open in its log (`outcomes`: {sign key: resolved | medical_care |
    emergency}); it is refused while any sign has none."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if status not in TRANSITIONS.get(session.status, set()):
        raise ValidationError(f"A {session.get_status_display().lower()} session cannot become {status.replace('_', ' ')}.")
    if status == Status.COMPLETED and session.kind == Kind.MEDICINE:
        from .livelog import open_signs, record_outcomes

        if outcomes and by is not None:
            record_outcomes(session=session, by=by, outcomes=outcomes)
        still_open = open_signs(session)
        if still_open:
            raise ValidationError("Record what became of each emergency sign before closing the session: "
                                  + "; ".join(still_open) + ".")
    session.status = status
    if status == Status.COMPLETED:
        session.ended_at = timezone.now()
    session.save(update_fields=["status", "ended_at"])
    if status == Status.COMPLETED:
        from .checkins.services import schedule_for

        schedule_for(session)  # integration check-ins on days 1, 3, 7, 14 and 28
        from .survey_service import schedule_after_session

        schedule_after_session(session)  # alliance surveys (brwai.md schedule)
    return session


def dose_history(client: Client) -> list[dict]:
    """Medicine sessions with the total given (or planned) and mg/kg, oldest first, with the
    10-15% step range for the next total when the last one was above the standard dose."""
    from clients.models import IntakeVersion
    from screening.dosing import step_range
    from screening.facts import latest_submitted

    from .log import DoseGiven

    intake = latest_submitted(IntakeVersion, client)
    mass = intake.body_mass_kg if intake else None
    given: dict = {}
    for dose in DoseGiven.objects.filter(session__client=client).values("session_id", "amount_mg"):
        given[dose["session_id"]] = given.get(dose["session_id"], Decimal(0)) + dose["amount_mg"]
    rows = []
    sessions = TherapySession.objects.filter(client=client, kind=Kind.MEDICINE).exclude(
        status__in=[Status.CANCELLED, Status.NO_SHOW]).order_by("scheduled_start")
    for s in sessions:
        total = given.get(s.pk) or s.planned_total_mg
        rows.append({"session": s, "total": total, "measured": s.pk in given,
                     "per_kg": (total / mass).quantize(Decimal("0.01")) if total and mass else None})
    dob = intake.date_of_birth if intake else None
    if rows and rows[-1]["total"] and mass and dob:
        age = age_on(dob, timezone.now().astimezone(client_zone(client)).date())
        last = rows[-1]["total"]
        # Above the standard total, change by 10-15% per session. [Manual: Dosing]
        if last > standard_dose(mass_kg=mass, age=age, flags=[]).total_mg:
            rows[-1]["step"] = step_range(last)
    return rows
