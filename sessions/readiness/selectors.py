"""The facts of a medicine session's readiness checklist, read from every record it depends on
(screening, consents, flight plan, alliance, dose history), as of the session's day in the
client's time zone with the planned dose. The checklist itself is pure (readiness.rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.caseload.models import Client
from clients.consent.models import ConsentKind
from clients.consent.selectors import states_for
from clients.intake.models import IntakeVersion
from practice.models import Membership
from screening.dosing import standard_dose, step_range
from screening.facts import NOT_READ, build_facts, latest_submitted, sources_for
from screening.models import CautionAcknowledgement
from screening.rules import age_on, evaluate
from screening.services import flag_digest, practice_policy
from sessions.flightplans.selectors import latest_screening_at, plan_in_force
from sessions.livelog.models import DoseGiven
from sessions.preparation.selectors import preparation
from sessions.readiness import rules as gates
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.scheduling.selectors import client_zone
from sessions.surveys.models import RuptureAlert, SurveyResponse


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
               booster_mg: Decimal | None, stage: str, exclude_session: TherapySession | None = None,
               start_known: bool = True) -> gates.GateFacts:
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

    alliance = (SurveyResponse.objects.filter(client=client, practitioner=practitioner).order_by("-submitted_at")
                .values_list("total", flat=True).first())
    ruptures = RuptureAlert.objects.filter(response__client=client, response__practitioner=practitioner,
                                           acknowledgement__isnull=True).count()
    lines = preparation(exclude_session) if exclude_session is not None else None
    return gates.GateFacts(
        latest_alliance_total=alliance, open_rupture_alerts=ruptures,
        preparation=(sum(line.done for line in lines), len(lines)) if lines else None,
        local_start=start.astimezone(zone).time() if start_known else None,
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


def start_checklist(session: TherapySession, by: Membership) -> list:
    """Everything re-checked now, as of the moment of starting."""
    return gates.readiness(gate_facts(client=session.client, practitioner=session.practitioner, start=timezone.now(),
                                      initial_mg=session.planned_initial_mg, booster_mg=session.planned_booster_mg,
                                      stage=gates.START, exclude_session=session))


def dose_history(client: Client, intake=NOT_READ) -> list[dict]:
    """Medicine sessions with the total given (or planned) and mg/kg, oldest first, with the
    10-15% step range for the next total when the last one was above the standard dose.
    `intake`: the latest submitted intake when the caller has read it already (None: none)."""

    intake = latest_submitted(IntakeVersion, client) if intake is NOT_READ else intake
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
