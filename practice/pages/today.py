"""The therapist's day: sessions today and tomorrow, then what needs action, most urgent first.

Each item links to where it is done and is gone once done (every list is read from the records
that close it). Reads only; a top-layer module because it combines every app's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clients import access
from clients.caseload.models import Client
from clients.consent.models import ConsentKind
from clients.consent.selectors import states_for
from practice.accountability.concerns.models import Concern
from practice.accountability.concerns.services import status_of
from practice.pages import caseload as caseload_list
from practice.roles import Role
from screening.selectors import suicide_screens_to_follow_up
from sessions.checkins.models import CheckInAnswer
from sessions.flightplans.selectors import plan_in_force
from sessions.livelog.selectors import open_signs
from sessions.measures.selectors import open_danger
from sessions.notes.selectors import awaiting_cosignature, open_too_long, overdue_notes
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.surveys.selectors import open_alerts

PREPARE_WITHIN = timedelta(days=14)  # medicine sessions this close are checked for plan, consent, cautions


@dataclass(frozen=True)
class Action:
    urgency: int  # 1 is most urgent; the order of the list
    what: str
    detail: str
    url: str
    client_id: object


def days(zone) -> tuple[datetime, datetime]:
    """Midnight today and midnight after tomorrow, on the viewer's clock (DST-aware via the zone)."""
    today = timezone.now().astimezone(zone).date()
    start = datetime.combine(today, time.min).replace(tzinfo=zone)
    return start, datetime.combine(today + timedelta(days=2), time.min).replace(tzinfo=zone)


def agenda(membership, zone) -> list[TherapySession]:
    """Sessions today and tomorrow that this practitioner leads or assists in."""
    start, end = days(zone)
    return list(TherapySession.objects.filter(Q(practitioner=membership) | Q(second_practitioner=membership),
                                              scheduled_start__gte=start, scheduled_start__lt=end)
                .exclude(status=Status.CANCELLED).select_related("client__membership__user")
                .order_by("scheduled_start"))


def _session_url(s) -> str:
    name = "session_live" if s.kind == Kind.MEDICINE and s.status == Status.IN_PROGRESS else "session_detail"
    return reverse(name, kwargs={"client_id": s.client_id, "session_id": s.pk})


def _danger_answers(visible) -> list[Action]:
    checkins = [Action(1, "Danger answer in a check-in", f"{a.checkin.client}, day {a.checkin.day}",
                       reverse("client_detail", args=[a.checkin.client_id]) + "#checkins-h", a.checkin.client_id)
                for a in (CheckInAnswer.objects.filter(danger=True, acknowledgements__isnull=True,
                                                       checkin__client__in=visible)
                          .select_related("checkin__client__membership__user"))]
    return checkins + [Action(1, "Danger answer in a questionnaire (thoughts of self-harm)", str(m.client),
                              reverse("client_detail", args=[m.client_id]) + "#measures-h", m.client_id)
                       for m in open_danger(visible).select_related("client__membership__user")]


def actions(membership) -> list[Action]:
    if membership.role == Role.SUPERVISOR:
        return supervisor_actions(membership)
    visible = access.clients_visible_to(membership)
    found: list[Action] = _danger_answers(visible)
    running = list(TherapySession.objects.filter(Q(practitioner=membership) | Q(second_practitioner=membership),
                                                 status=Status.IN_PROGRESS).select_related("client__membership__user"))
    for s in running:
        if s.kind == Kind.MEDICINE:
            for sign in open_signs(s):
                found.append(Action(2, "Emergency sign still open", f"{s.client}: {sign}", _session_url(s), s.client_id))
        found.append(Action(3, "Session in progress", f"{s.get_kind_display()} with {s.client}", _session_url(s),
                            s.client_id))
    for s in overdue_notes([membership]):
        found.append(Action(4, "Note not signed", f"{s.get_kind_display()} session with {s.client}, "
                            f"{timezone.localtime(s.scheduled_start):%d %b}", reverse(
                                "session_note", kwargs={"client_id": s.client_id, "session_id": s.pk}), s.client_id))
    for r in suicide_screens_to_follow_up(visible):
        found.append(Action(5, "Caution to acknowledge", f"{r.client}: an answer about suicide in the screening",
                            reverse("screening_review", args=[r.client_id]), r.client_id))
    found += _before_medicine_sessions(membership)
    for alert in open_alerts(visible):
        found.append(Action(7, "Alliance rupture alert", f"{alert.response.client} about {alert.response.practitioner}",
                            reverse("client_detail", args=[alert.response.client_id]) + "#alliance-h",
                            alert.response.client_id))
    return sorted(found, key=lambda a: a.urgency)


def supervisor_actions(membership) -> list[Action]:
    """A supervisor's day: what their supervisees' clients and records need, and the concerns
    they review. Sessions' own preparation stays with the therapist."""
    visible = access.clients_visible_to(membership)
    supervisees = list(access.supervised_therapists(membership))
    found = _danger_answers(visible)
    for s in (TherapySession.objects.filter(practitioner__in=supervisees, kind=Kind.MEDICINE, status=Status.IN_PROGRESS)
              .select_related("client__membership__user", "practitioner__user")):
        for sign in open_signs(s):
            found.append(Action(2, "Emergency sign still open", f"{s.client} with {s.practitioner.user}: {sign}",
                                reverse("session_detail", kwargs={"client_id": s.client_id, "session_id": s.pk}),
                                s.client_id))
    for s in open_too_long(supervisees):
        found.append(Action(3, "Medicine session never closed", f"{s.client} with {s.practitioner.user}, started "
                            f"{timezone.localtime(s.started_at):%d %b %H:%M}",
                            reverse("session_detail", kwargs={"client_id": s.client_id, "session_id": s.pk}),
                            s.client_id))
    for s in overdue_notes(supervisees):
        found.append(Action(4, "Note not signed", f"{s.practitioner.user}: {s.kind_words} session with "
                            f"{s.client}, {timezone.localtime(s.scheduled_start):%d %b}",
                            reverse("session_detail", kwargs={"client_id": s.client_id, "session_id": s.pk}),
                            s.client_id))
    for note in awaiting_cosignature(membership):
        found.append(Action(4, "Note to co-sign", f"{note.author.user}: {note.session.kind_words} "
                            f"session with {note.session.client}, {timezone.localtime(note.session.scheduled_start):%d %b}",
                            reverse("session_detail", kwargs={"client_id": note.session.client_id,
                                                              "session_id": note.session_id}) + "#note-h",
                            note.session.client_id))
    for alert in open_alerts(visible).filter(response__practitioner__in=supervisees):
        found.append(Action(7, "Alliance rupture alert", f"{alert.response.client} about {alert.response.practitioner}",
                            reverse("client_detail", args=[alert.response.client_id]) + "#alliance-h",
                            alert.response.client_id))
    for concern in (access.concerns_visible_to(membership).select_related("about__user", "client__membership__user")
                    .prefetch_related("entries")):
        # Visible to a supervisor = about a supervisee (theirs to review) or shared about themselves.
        if concern.about_id != membership.pk and status_of(concern.entries.all()) != Concern.Status.RESOLVED:
            found.append(Action(8, "Concern to review", f"From {concern.client} about {concern.about.user} "
                                f"({concern.get_category_display().lower()})",
                                reverse("concern_detail", args=[concern.pk]), concern.client_id))
    return sorted(found, key=lambda a: a.urgency)


def _before_medicine_sessions(membership) -> list[Action]:
    """Cautions, flight plans and consents to sort out before a medicine session soon."""
    soon = list(TherapySession.objects.filter(practitioner=membership, kind=Kind.MEDICINE, status=Status.SCHEDULED,
                                              scheduled_start__gte=timezone.now(),
                                              scheduled_start__lt=timezone.now() + PREPARE_WITHIN)
                .select_related("client__membership__user", "client__practice"))
    if not soon:
        return []
    clients = {s.client_id: s.client for s in soon}
    # The caseload's own filter (the review's flags against the acknowledgements, in SQL).
    open_cautions = set(caseload_list.caseload(Client.objects.filter(pk__in=clients), flag="caution")
                        .values_list("pk", flat=True))
    versions, states = states_for(list(clients.values()), membership.practice_id)
    informed = [v for v in versions if v.template.kind == ConsentKind.INFORMED]
    found = []
    for s in soon:
        when = f"{s.client}, medicine session {timezone.localtime(s.scheduled_start):%d %b}"
        if s.client_id in open_cautions:
            found.append(Action(5, "Cautions to acknowledge", when, reverse("screening_review", args=[s.client_id]),
                                s.client_id))
        plan, _why = plan_in_force(s.client)
        if plan is None:
            found.append(Action(6, "Flight plan to sign again", when, reverse("staff_plan", args=[s.client_id]),
                                s.client_id))
        if informed and not states[s.client_id][informed[0].template_id].in_force:
            found.append(Action(6, "Informed consent to sign again", when, reverse("client_detail", args=[s.client_id])
                                + "#consent-h", s.client_id))
    return found
