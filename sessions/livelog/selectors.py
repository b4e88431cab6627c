"""Recording the live medicine-session log, and reading its current state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from practice.crisis import CRISIS
from screening.rules import CYP2D6_RECOVERY
from screening.services import practice_policy
from sessions.flightplans.selectors import crisis_plan
from sessions.livelog import rules as vitals
from sessions.livelog.models import DoseGiven, SessionEvent, VitalsReading, WaterIntake
from sessions.scheduling.models import Status, TherapySession
from sessions.scheduling.selectors import client_zone


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
    water_hours: int
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
        water_ml=vitals.water_in_first_hours([(w.at, w.millilitres) for w in water], initial, p.water_limit_hours),
        water_limit_ml=int(p.water_limit_litres * 1000), water_hours=p.water_limit_hours, events=events, alerts=signs,
        open_alerts=[sign for sign in signs if sign not in done],
        outcomes=[e for e in events if e.kind == SessionEvent.Kind.OUTCOME],
        crisis={"hospital": crisis.hospital, "notify": crisis.notify,
                "hotline": crisis.hotline or f"{CRISIS.peer.name} {CRISIS.peer.number}",
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
    if session.kind != "medicine" or session.status != Status.COMPLETED:
        return []
    review = session.client.screening_reviews.first()
    if not review or not any(f["code"] == "cyp2d6_after_session" for f in review.flags):
        return []
    ended = (session.ended_at or session.scheduled_start).astimezone(client_zone(session.client))
    return [((ended + timedelta(days=days)).strftime("%a %d %b"), pct) for days, pct in CYP2D6_RECOVERY]
