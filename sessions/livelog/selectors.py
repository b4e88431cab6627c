"""Recording the live medicine-session log, and reading its current state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from practice.crisis import CRISIS
from screening.rules import CYP2D6_RECOVERY
from screening.services import practice_policy
from sessions.flightplans.selectors import crisis_plan, plan_in_force
from sessions.livelog import rules as vitals
from sessions.livelog.models import DoseGiven, SessionEvent, VitalsReading, WaterIntake
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.scheduling.selectors import client_zone


@dataclass(frozen=True)
class Entry:
    """One row of the log as people read it (newest first on the page)."""

    at: datetime
    what: str
    detail: str
    warning: str = ""
    alert: bool = False  # an adverse effect that is an emergency sign by itself, or an outcome


@dataclass(frozen=True)
class Emergency:
    """What the pinned emergency bar shows while a sign is open."""

    signs: list  # [(key, sign)] with nothing recorded about them yet
    crisis: dict
    emergency_number: str


@dataclass(frozen=True)
class LiveState:
    now: datetime
    in_progress: bool
    ended_at: datetime | None
    initial_at: datetime | None
    elapsed: str
    phase: str
    booster: str
    doses: list
    readings: list
    water_ml: int
    water_limit_ml: int
    water_hours: int
    events: list
    entries: list[Entry]
    alerts: list[str]
    crisis: dict
    emergency: Emergency | None  # set while any emergency sign is open
    open_alerts: list[str] = ()  # emergency signs with nothing recorded about them yet
    outcomes: list = ()  # what was done about each sign (SessionEvent, kind "outcome")
    handled: dict = field(default_factory=dict)  # sign -> (what was done, when)


def _crisis(session: TherapySession) -> dict:
    crisis = crisis_plan(session.client)
    return {"hospital": crisis.hospital, "notify": crisis.notify,
            "hotline": crisis.hotline or f"{CRISIS.peer.name} {CRISIS.peer.number}",
            "version": crisis.version, "signed_on": crisis.signed_on}


def _entries(doses, readings, water, events) -> list[Entry]:
    rows = [Entry(d.at, d.get_which_display(), f"{d.amount_mg} mg (batch {d.batch}, test: {d.test_result})",
                  warning=d.warning) for d in doses]
    for r in readings:
        parts = [f"BP {r.systolic}/{r.diastolic}" if r.systolic else "", f"HR {r.heart_rate}" if r.heart_rate else "",
                 f"{r.temperature_c} °C" if r.temperature_c is not None else "", f"SpO2 {r.spo2}%" if r.spo2 else ""]
        rows.append(Entry(r.at, "Vitals", ", ".join(p for p in parts if p)))
    rows += [Entry(w.at, "Water", f"{w.millilitres} ml") for w in water]
    for e in events:
        if e.kind == SessionEvent.Kind.ADVERSE:
            label, emergency = vitals.ADVERSE_EFFECTS.get(e.code, (e.code, False))
            severity = f" ({e.get_severity_display().lower()})" if e.severity else ""
            rows.append(Entry(e.at, "Adverse effect", label + severity + (f": {e.text}" if e.text else ""),
                              alert=emergency))
        elif e.kind == SessionEvent.Kind.OUTCOME:
            rows.append(Entry(e.at, "Emergency sign handled", f"{SessionEvent.Outcome(e.code).label}: {e.text}",
                              alert=True))
        else:
            rows.append(Entry(e.at, e.get_kind_display(), e.text))
    return sorted(rows, key=lambda row: row.at, reverse=True)


def live_state(session: TherapySession) -> LiveState:
    """The log and its timeline. A session no longer in progress reads in the past tense: no
    clock, no "opens in", each emergency sign with what was done about it."""
    now = timezone.now()
    doses = list(DoseGiven.objects.filter(session=session).order_by("at"))
    readings = list(VitalsReading.objects.filter(session=session).order_by("at"))
    water = list(WaterIntake.objects.filter(session=session).order_by("at"))
    events = list(SessionEvent.objects.filter(session=session).order_by("at"))
    initial = next((d.at for d in doses if d.which == DoseGiven.Which.INITIAL), None)
    booster = next((d.at for d in doses if d.which == DoseGiven.Which.BOOSTER), None)
    p = practice_policy(session.client.practice_id)
    signs = _signs(session, readings, events, p)
    outcomes = [e for e in events if e.kind == SessionEvent.Kind.OUTCOME]
    handled = {e.text: (SessionEvent.Outcome(e.code).label, e.at) for e in outcomes}
    open_alerts = [sign for sign in signs if sign not in handled]
    crisis = _crisis(session)
    in_progress = session.status == Status.IN_PROGRESS
    until = now if in_progress else (session.ended_at or now)
    return LiveState(
        now=now, in_progress=in_progress, ended_at=session.ended_at, initial_at=initial,
        elapsed=vitals.elapsed(initial, until),
        phase=vitals.phase(initial, now) if in_progress else "",
        booster=(vitals.booster_window(initial, now, *p.booster_after_hours, booster_at=booster) if in_progress
                 else vitals.booster_after_the_session(initial, booster)),
        doses=doses, readings=readings,
        water_ml=vitals.water_in_first_hours([(w.at, w.millilitres) for w in water], initial, p.water_limit_hours),
        water_limit_ml=int(p.water_limit_litres * 1000), water_hours=p.water_limit_hours, events=events,
        entries=_entries(doses, readings, water, events), alerts=signs, crisis=crisis,
        emergency=_emergency(session, open_alerts, crisis),
        open_alerts=open_alerts, outcomes=outcomes, handled=handled,
    )


def _emergency(session: TherapySession, signs: list, crisis: dict) -> Emergency | None:
    if not signs:
        return None
    return Emergency([(sign_key(s), s) for s in signs], crisis, session.client.practice.emergency_number)


def emergency_for(session: TherapySession) -> Emergency | None:
    """The pinned bar's content for any page of this session, or None when no sign is open."""
    if session.kind != "medicine" or session.status != Status.IN_PROGRESS:
        return None
    signs = open_signs(session)
    return _emergency(session, signs, _crisis(session)) if signs else None


def dose_prefill(session: TherapySession) -> dict:
    """The next dose as planned (initial, then booster) with the last batch and test result, or
    the flight plan's substance test for the first dose: confirming it is one tap."""
    doses = list(DoseGiven.objects.filter(session=session).order_by("at"))
    last = doses[-1] if doses else None
    given = {d.which for d in doses}
    if DoseGiven.Which.INITIAL not in given:
        which, amount = DoseGiven.Which.INITIAL, session.planned_initial_mg
    elif DoseGiven.Which.BOOSTER not in given and session.planned_booster_mg:
        which, amount = DoseGiven.Which.BOOSTER, session.planned_booster_mg
    else:
        return {}
    if last:
        batch, test = last.batch, last.test_result
    else:
        plan = plan_in_force(session.client)[0]
        batch, test = "", (plan.content.get("substance_test", "") if plan else "")
    return {"which": which, "amount_mg": amount, "batch": batch, "test_result": test}


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


def adverse_in_log(session: TherapySession) -> list[str]:
    """What the log says went wrong (adverse effects and emergency signs with their outcomes),
    for the note: a note cannot be signed with "Adverse events" empty while this is not."""
    events, signs = _logged_signs(session)
    zone = client_zone(session.client)
    lines = [f"{e.at.astimezone(zone):%H:%M} adverse effect: {vitals.ADVERSE_EFFECTS.get(e.code, (e.code,))[0]}"
             + (f", {e.get_severity_display().lower()}" if e.severity else "")
             + (f" ({e.text})" if e.text else "") for e in events if e.kind == SessionEvent.Kind.ADVERSE]
    outcomes = {e.text: SessionEvent.Outcome(e.code).label for e in events if e.kind == SessionEvent.Kind.OUTCOME}
    for sign in signs:
        lines.append(f"Emergency sign: {sign}" + (f"; outcome: {outcomes[sign]}" if sign in outcomes else ""))
    return lines


def cyp2d6_window(session: TherapySession) -> list[tuple[str, int]]:
    """After a completed medicine session, when CYP2D6 activity is back to 50/75/88/94/97%,
    shown when a CYP2D6-dependent drug is on the client's list (else empty)."""
    if session.kind != "medicine" or session.status != Status.COMPLETED:
        return []
    review = session.client.screening_reviews.first()
    if not review or not any(f["code"] == "cyp2d6_after_session" for f in review.flags):
        return []
    ended = (session.ended_at or session.scheduled_start).astimezone(client_zone(session.client))
    return [((ended + timedelta(days=days)).strftime("%a %d %b"), pct) for days, pct in CYP2D6_RECOVERY]


def with_emergency_signs(practitioners):
    """Medicine sessions led by these practitioners in which an emergency sign was handled (an
    outcome is in the log), newest first: for supervisors to review."""
    return (TherapySession.objects.filter(practitioner__in=practitioners, kind=Kind.MEDICINE)
            .filter(Exists(SessionEvent.objects.filter(session=OuterRef("pk"), kind=SessionEvent.Kind.OUTCOME)))
            .select_related("client__membership__user", "practitioner__user").order_by("-scheduled_start"))
