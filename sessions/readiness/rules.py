"""The readiness checklist for a medicine session: plain facts in, checklist lines out.

No database access here (sessions/readiness.py gathers the facts). Each line is
- REFUSED (red): the session cannot be scheduled or started while it stands;
- RATIONALE (amber): the therapist may proceed with a written rationale, which the
  supervisor sees;
- OK (green);
- INFO: a precaution or piece of information shown where the decision is made (the 2 mg/kg
  note, SSRIs, the water limit...); it neither blocks nor needs a rationale.
A CAUTION is acknowledged on its own, with its own rationale (kept while its facts stay the
same); until it is, its line refuses. One rationale never clears several cautions.
[Manual: Pre-Session Checklist; Safety; Session Frequency; Dosing]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from screening.policy import DEFAULT_POLICY
from screening.rules import ALWAYS_AVOID, CAUTION, PRECAUTION, Flag

OK, RATIONALE, REFUSED, INFO = "ok", "rationale", "refused", "info"
HARD_WARNINGS = {"spacing_under_20_days"}
SCHEDULE, START = "schedule", "start"


@dataclass(frozen=True)
class Line:
    level: str
    code: str
    text: str
    fix: str = ""  # which page fixes it: screening | consent | flight_plan | dose | alliance | ""
    ack_key: str = ""  # a caution that needs its own rationale: the flag's key
    flag: Flag | None = None
    hard: bool = False  # a hard warning: shown stronger than an ordinary caution


@dataclass(frozen=True)
class GateFacts:
    stage: str  # SCHEDULE or START
    flags: tuple[Flag, ...]  # evaluated as of the session day, with the planned dose
    acknowledged: frozenset[str] = frozenset()
    screening_complete: bool = False
    screened_since_last_medicine_session: bool = False
    informed_consent_in_force: bool = False
    flight_plan_in_force: bool = False
    flight_plan_reason: str = ""
    plan_allows_touch: bool = False
    touch_consent_in_force: bool = False
    plan_records_session: bool = False
    recording_consent_in_force: bool = False
    substance_test_recorded: bool = False
    prior_sessions_with_practitioner: int = 0
    dose_planned: bool = False
    dose_is_standard: bool = True
    latest_alliance_total: int | None = None  # the client's latest BR-WAI total for this practitioner
    open_rupture_alerts: int = 0
    preparation: tuple[int, int] | None = None  # (ticked, items) of the client's list, at the start
    local_start: time | None = None  # the planned start on the client's clock (checked when scheduling)
    extra: tuple[Line, ...] = field(default_factory=tuple)


def readiness(f: GateFacts) -> list[Line]:
    lines: list[Line] = []
    for flag in f.flags:
        fix = "dose" if flag.code.startswith("high_dose") or flag.code == "dose_above_ceiling" else "screening"
        if flag.code.startswith("spacing"):
            fix = ""
        if flag.tier == ALWAYS_AVOID:
            lines.append(Line(REFUSED, flag.code, flag.reason, fix))
        elif flag.tier == CAUTION:
            hard = flag.code in HARD_WARNINGS
            if flag.key in f.acknowledged:
                lines.append(Line(OK, flag.code, f"Acknowledged with its own rationale: {flag.reason}", fix, hard=hard))
            else:
                lines.append(Line(REFUSED, flag.code, f"Caution without its own rationale yet: {flag.reason}", fix,
                                  ack_key=flag.key, flag=flag, hard=hard))
        elif flag.tier == PRECAUTION:
            lines.append(Line(INFO, flag.code, f"{flag.reason} [Manual: {flag.section}]", fix))
    if not f.screening_complete:
        lines.append(Line(REFUSED, "screening_incomplete", "Screening is incomplete.", "screening"))
    elif not f.screened_since_last_medicine_session:
        lines.append(Line(REFUSED, "screening_outdated",
                          "Screening must be repeated after the last medicine session.", "screening"))
    else:
        lines.append(Line(OK, "screening_current", "Screening is complete and current.", "screening"))
    lines.append(Line(OK, "informed_consent", "Informed consent is in force.", "consent") if f.informed_consent_in_force
                 else Line(REFUSED, "informed_consent", "No informed consent in force.", "consent"))
    lines.append(Line(OK, "flight_plan", "A flight plan signed by both after the latest screening.", "flight_plan")
                 if f.flight_plan_in_force else Line(REFUSED, "flight_plan", f.flight_plan_reason or
                                                     "No flight plan signed by both.", "flight_plan"))
    if f.plan_allows_touch and not f.touch_consent_in_force:
        lines.append(Line(REFUSED, "touch_consent", "The flight plan lists touch but no touch consent is in force.",
                          "consent"))
    else:
        lines.append(Line(OK, "touch_consent", "Touch: consent in force." if f.plan_allows_touch
                          else "Touch: none (flight plan).", "consent"))
    if f.plan_records_session and not f.recording_consent_in_force:
        lines.append(Line(REFUSED, "recording_consent", "The flight plan says the session is recorded but no "
                          "recording consent is in force.", "consent"))
    else:
        lines.append(Line(OK, "recording_consent", "Recording: consent in force." if f.plan_records_session
                          else "Recording: none (flight plan).", "consent"))
    n, least, preferred = (f.prior_sessions_with_practitioner, DEFAULT_POLICY.min_prior_sessions,
                           DEFAULT_POLICY.preferred_prior_sessions)
    if n < least:
        lines.append(Line(RATIONALE, "prior_sessions", f"Only {n} prior session(s) with this practitioner; at least "
                          f"{least} ({preferred} preferred) before a medicine session."))
    else:
        note = "" if n >= preferred else f" ({preferred} preferred)"
        lines.append(Line(OK, "prior_sessions", f"{n} prior sessions with this practitioner{note}."))
    if f.open_rupture_alerts:
        lines.append(Line(RATIONALE, "alliance", f"{f.open_rupture_alerts} open alliance alert(s) with this practitioner "
                          "(BR-WAI); review the alliance before a medicine session.", "alliance"))
    elif f.latest_alliance_total is not None:
        lines.append(Line(OK, "alliance", f"Latest alliance rating of this practitioner: {f.latest_alliance_total}/80 "
                          "(BR-WAI), no open alert.", "alliance"))
    else:
        lines.append(Line(OK, "alliance", "No alliance rating of this practitioner yet (BR-WAI).", "alliance"))
    missing_level = REFUSED if f.stage == START else RATIONALE
    lines.append(Line(OK, "substance_test", "Substance test recorded in the flight plan.", "flight_plan")
                 if f.substance_test_recorded else
                 Line(missing_level, "substance_test", "No substance test result recorded.", "flight_plan"))
    if not f.dose_planned:
        lines.append(Line(missing_level, "dose_plan", "No dose planned.", "dose"))
    elif not f.dose_is_standard:
        lines.append(Line(RATIONALE, "dose_plan", "The planned dose differs from the standard dose.", "dose"))
    else:
        lines.append(Line(OK, "dose_plan", "Dose planned within the standard.", "dose"))
    if f.stage == SCHEDULE and f.local_start is not None:
        limit = DEFAULT_POLICY.medicine_start_before_hour
        if f.local_start.hour >= limit:
            lines.append(Line(RATIONALE, "late_start", f"Starts at {f.local_start:%H:%M} on the client's clock, not "
                              f"before {limit}:00: a medicine session takes the day and starts in the morning. "
                              "[Manual: The Therapeutic MDMA Session]"))
        else:
            lines.append(Line(OK, "late_start", f"Starts at {f.local_start:%H:%M}, in the morning."))
    if f.preparation is not None:
        done, total = f.preparation
        lines.append(Line(INFO, "preparation", f"The client's preparation list: {done} of {total} items ticked."))
    return lines + list(f.extra)


def outcome(lines: list[Line]) -> str:
    """REFUSED if any line refuses; RATIONALE if any needs one; else OK."""
    levels = {line.level for line in lines}
    if REFUSED in levels:
        return REFUSED
    return RATIONALE if RATIONALE in levels else OK
