"""The client record's summary: who the client is, how to reach them and their emergency
contact, what needs attention, and the stage the latest events suggest. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from clients.caseload.rules import Suggestion, suggest_stage
from clients.intake.models import IntakeVersion
from screening.facts import NOT_READ, latest_submitted
from sessions.checkins.models import CheckIn, CheckInAnswer
from sessions.measures.selectors import open_danger
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.surveys.models import RuptureAlert


@dataclass(frozen=True)
class Summary:
    intake: IntakeVersion | None
    age: int | None
    next_session: TherapySession | None
    alerts: list[tuple[str, str]]  # (what, the record's anchor)
    suggestion: Suggestion | None


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def summary(client, screening, sessions: list, review, intake=NOT_READ) -> Summary:
    """`review`: the client's latest screening review (None before any), and `intake`: the
    latest submitted intake (None before any), as the record read them."""
    intake = latest_submitted(IntakeVersion, client) if intake is NOT_READ else intake
    now = timezone.now()
    upcoming = [s for s in sessions if s.status == Status.SCHEDULED and s.scheduled_start >= now]
    alerts = []
    danger = CheckInAnswer.objects.filter(checkin__client=client, danger=True, acknowledgements__isnull=True).count()
    if danger:
        alerts.append((f"{danger} danger answer{'s' if danger > 1 else ''} in check-ins to acknowledge", "checkins-h"))
    measures = open_danger([client]).count()
    if measures:
        alerts.append((f"{measures} questionnaire answer{'s' if measures > 1 else ''} about thoughts of self-harm "
                       "to acknowledge", "measures-h"))
    ruptures = RuptureAlert.objects.filter(response__client=client, acknowledgement__isnull=True).count()
    if ruptures:
        alerts.append((f"{ruptures} alliance alert{'s' if ruptures > 1 else ''} to acknowledge", "alliance-h"))
    if screening.code in ("not_eligible", "eligible_with_cautions") and "still need" in screening.reason:
        alerts.append((screening.reason, "scr-h"))
    done = [s for s in sessions if s.kind == Kind.MEDICINE and s.status == Status.COMPLETED]
    last = max(done, key=lambda s: s.ended_at or s.scheduled_start, default=None)
    suggestion = suggest_stage(
        stage=client.stage, confirmed_at=client.stage_confirmed_at,
        screening_complete_at=review.created_at if review is not None and review.complete else None,
        medicine_done_at=(last.ended_at or last.scheduled_start) if last else None,
        medicine_day=f"{timezone.localtime(last.scheduled_start):%-d %b}" if last else "",
        checkins_done=bool(last) and not CheckIn.objects.filter(session=last, answer__isnull=True).exists()
        and CheckIn.objects.filter(session=last).exists())
    return Summary(intake, _age(intake.date_of_birth if intake else None, timezone.localdate()),
                   min(upcoming, key=lambda s: s.scheduled_start, default=None), alerts, suggestion)


def ordered_sessions(sessions: list) -> list:
    """Upcoming first (soonest first), then the past (newest first)."""
    now = timezone.now()
    ahead = sorted((s for s in sessions if s.scheduled_start >= now), key=lambda s: s.scheduled_start)
    past = sorted((s for s in sessions if s.scheduled_start < now), key=lambda s: s.scheduled_start, reverse=True)
    return ahead + past
