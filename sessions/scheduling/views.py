"""Scheduling, the readiness checklist, starting and closing sessions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from practice.audit.context import log_access, note_read
from practice.audit.models import AccessEvent
from practice.emails import link as absolute_link
from practice.models import Membership
from practice.posted import day_from_link, error_text, posted
from practice.roles import Role
from practice.timing import TIMING
from sessions.livelog.models import SessionEvent
from sessions.livelog.selectors import cyp2d6_window, emergency_for, open_signs, sign_key
from sessions.notes.forms import AddendumForm, CosignForm
from sessions.notes.models import TEMPLATES, SessionNote
from sessions.preparation.selectors import preparation
from sessions.readiness import rules as gates
from sessions.readiness.selectors import gate_facts, start_checklist
from sessions.readiness.services import GateBlocked
from sessions.scheduling import ics
from sessions.scheduling.forms import (
    AgendaForm,
    RescheduleForm,
    ScheduleForm,
    StartForm,
    StatusForm,
    caution_rationales,
    sign_outcomes,
)
from sessions.scheduling.models import CalendarFeed, Kind, Status, TherapySession
from sessions.scheduling.selectors import agenda_between, client_zone, conflicts, feed_events, feed_for_token, local_start
from sessions.scheduling.services import (
    calendar_feed_renew,
    calendar_feed_revoke,
    session_reschedule,
    session_schedule,
    session_set_status,
    session_start,
)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    colleagues = Membership.objects.filter(practice_id=client.practice_id, role=Role.THERAPIST, is_active=True).exclude(
        pk=request.membership.pk).select_related("user").order_by("user__full_name")
    # From the agenda or search: the day (and kind) chosen there, when they read as such.
    chosen_day = day_from_link(request.GET.get("day"))
    form = ScheduleForm(posted(request), initial={"kind": request.GET.get("kind", Kind.THERAPY), "day": chosen_day},
                        colleagues=colleagues)
    lines = None
    acks, ack_errors = caution_rationales(request.POST) if request.method == "POST" else ({}, [])
    if request.method == "POST" and form.is_valid() and not ack_errors:
        data = form.cleaned_data
        try:
            start = local_start(client, data["day"], data["at"])
            session = session_schedule(client=client, practitioner=request.membership, kind=data["kind"], start=start,
                                       other_people=data["other_people"], initial_mg=data["initial_mg"],
                                       second_practitioner=data["second_practitioner"],
                                       booster_mg=data["booster_mg"], rationale=data["rationale"],
                                       acknowledgements=acks, duration_minutes=data["duration_minutes"],
                                       place=data["place"], video_link=data["video_link"])
        except GateBlocked as exc:
            form.add_error(None, exc.messages[0])
            lines = exc.lines
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{session.get_kind_display()} session scheduled.")
            for clash in conflicts(session):
                messages.warning(request, f"Overlaps: {clash}. Both are kept; move one if that is not intended.")
            return redirect("session_detail", client_id=client.pk, session_id=session.pk)
    if lines is None and request.method == "GET":
        # A first look, as of now and without a dose; the planned day and dose are checked on saving.
        lines = gates.readiness(gate_facts(client=client, practitioner=request.membership,
                                           start=timezone.now() + timedelta(hours=1), initial_mg=None, booster_mg=None,
                                           stage=gates.SCHEDULE, start_known=False))
    for error in ack_errors:
        form.add_error(None, error)
    return render(request, "sessions/schedule.html", {"client": client, "form": form, "lines": lines,
                                                      "zone": client_zone(client).key,
                                                      "preliminary": request.method == "GET",
                                                      "ack_form": "schedule-form", "ack_values": acks},
                  status=400 if form.errors else 200)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def detail(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client = access.get_client(request, client_id)
    session = get_object_or_404(TherapySession.objects.select_related("practitioner__user"), pk=session_id, client=client)
    can_write = access.can_write_client(request.membership, client)
    lines = None
    if session.kind == Kind.MEDICINE and session.status == Status.SCHEDULED:
        lines = start_checklist(session, request.membership)
    note = SessionNote.objects.filter(session=session).prefetch_related(
        "addenda__author__user", "cosignatures__supervisor__user").first()
    return render(request, "sessions/detail.html", {
        "client": client, "session": session, "lines": lines, "outcome": gates.outcome(lines) if lines else None,
        "only_cautions_wait": bool(lines) and all(ln.ack_key for ln in lines if ln.level == gates.REFUSED),
        "needs_rationale": bool(lines) and any(ln.level == gates.RATIONALE for ln in lines),
        "ack_form": "start-form",
        "checks": session.gate_checks.select_related("checked_by__user"), "can_write": can_write,
        "zone": client_zone(client), "start_form": StartForm(), "status_form": StatusForm(current=session.status),
        "reschedule_form": RescheduleForm(),
        "note": note,
        # Once this supervisor has co-signed, the form is gone (their co-signature shows instead).
        "may_cosign": request.membership.role == Role.SUPERVISOR and note is not None and note.signed_at is not None
        and not any(c.supervisor_id == request.membership.pk for c in note.cosignatures.all()),
        "note_labels": {name: label for name, label, _ in TEMPLATES[session.kind]},
        "addendum_form": AddendumForm(), "cosign_form": CosignForm(),
        "cyp2d6_window": cyp2d6_window(session),
        "open_signs": [(sign_key(sign), sign) for sign in open_signs(session)]
        if session.kind == Kind.MEDICINE and session.status == Status.IN_PROGRESS else [],
        "outcome_choices": SessionEvent.Outcome.choices, "emergency": emergency_for(session),
        "preparation": preparation(session) if session.kind == Kind.MEDICINE and session.status == Status.SCHEDULED
        else None,
    })


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def start(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    session = get_object_or_404(TherapySession, pk=session_id, client=client)
    form = StartForm(request.POST)
    rationale = form.cleaned_data["rationale"] if form.is_valid() else ""
    acks, errors = caution_rationales(request.POST)
    try:
        if errors:
            raise ValidationError(errors[0])
        session = session_start(session=session, by=request.membership, rationale=rationale, acknowledgements=acks)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        started = session.started_at.astimezone(client_zone(client))
        if session.kind == Kind.MEDICINE:  # straight into the log: that is where the day happens
            messages.success(request, f"Session started at {started:%H:%M}. This is its live log.")
            return redirect("session_live", client_id=client.pk, session_id=session.pk)
        messages.success(request, f"Session started at {started:%H:%M}.")
    return redirect("session_detail", client_id=client.pk, session_id=session.pk)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def set_status(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    session = get_object_or_404(TherapySession, pk=session_id, client=client)
    form = StatusForm(request.POST, current=session.status)
    outcomes, errors = sign_outcomes(request.POST)
    if not form.is_valid() or errors:
        messages.error(request, "Nothing was changed: " + (error_text(form) if form.errors else
                                                           "choose what became of each emergency sign."))
    else:
        try:
            session = session_set_status(session=session, status=form.cleaned_data["status"], by=request.membership,
                                         outcomes=outcomes, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, closed_message(session, client_zone(client)))
    return redirect("session_detail", client_id=client.pk, session_id=session.pk)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def reschedule(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    session = get_object_or_404(TherapySession, pk=session_id, client=client)
    form = RescheduleForm(request.POST)
    acks, errors = caution_rationales(request.POST)
    if not form.is_valid() or errors:
        messages.error(request, "Nothing was changed: " + (error_text(form) if form.errors else errors[0]))
        return redirect("session_detail", client_id=client.pk, session_id=session.pk)
    data = form.cleaned_data
    try:
        start = local_start(client, data["day"], data["at"])
        session = session_reschedule(session=session, start=start, by=request.membership, reason=data["reason"],
                                     rationale=data["rationale"], acknowledgements=acks)
    except ValidationError as exc:
        messages.error(request, "Nothing was changed: " + exc.messages[0])
    else:
        when = session.scheduled_start.astimezone(client_zone(client))
        messages.success(request, f"Session moved to {when:%a %d %b, %H:%M} (the client's time); its reminder follows.")
        for clash in conflicts(session):
            messages.warning(request, f"Overlaps: {clash}. Both are kept; move one if that is not intended.")
    return redirect("session_detail", client_id=client.pk, session_id=session.pk)


def closed_message(session, zone) -> str:
    """What happened, in words: the state reached and, after a medicine session, what follows."""
    if session.status == Status.COMPLETED:
        ended = session.ended_at.astimezone(zone)
        text = f"Session closed as completed at {ended:%H:%M}."
        if session.kind == Kind.MEDICINE:
            days = session.client.checkin_days or TIMING.checkin_days
            text += f" Integration check-ins are scheduled for days {', '.join(map(str, days))} after it."
        return text
    return {Status.CANCELLED: "Session cancelled.", Status.NO_SHOW: "Session marked as a no-show."}.get(
        session.status, f"Session is now {session.get_status_display().lower()}.")


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def agenda(request: HttpRequest) -> HttpResponse:
    """A day or a week of sessions, as a list (it reads on a phone); mine or the practice's."""
    zone = timezone.get_current_timezone()
    form = AgendaForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.now().astimezone(zone).date()
    day, span, who = data.get("day") or today, data.get("span") or "week", data.get("who") or "me"
    first = day - timedelta(days=day.weekday()) if span == "week" else day
    count = 7 if span == "week" else 1
    start = datetime.combine(first, time.min).replace(tzinfo=zone)
    end = datetime.combine(first + timedelta(days=count), time.min).replace(tzinfo=zone)
    sessions = agenda_between(request.membership, start, end, whole_practice=who == "practice")
    note_read(request, [s.client_id for s in sessions if s.visible])
    days = [(first + timedelta(days=i), [s for s in sessions if s.scheduled_start.astimezone(zone).date()
                                         == first + timedelta(days=i)]) for i in range(count)]
    step = timedelta(days=count)
    return render(request, "sessions/agenda.html", {
        "form": form, "days": days, "span": span, "who": who, "today": today,
        "previous": first - step, "next": first + step, "invalid": bool(request.GET) and not form.is_valid()})


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def calendar_link(request: HttpRequest) -> HttpResponse:
    """Make, renew or revoke one's private calendar link; the link itself is shown only once."""
    link = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feed_revoke(membership=request.membership)
            messages.success(request, "Your calendar link is revoked: calendars using it stop updating.")
            return redirect("calendar_link")
        token = calendar_feed_renew(membership=request.membership)
        link = absolute_link("calendar_feed", token)  # SITE_URL, not the request's Host header
    has_feed = CalendarFeed.objects.filter(membership=request.membership).exists()
    return render(request, "sessions/calendar_link.html", {"link": link, "has_feed": has_feed})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed (no login: the secret link is the key). Initials and kinds only."""
    membership = feed_for_token(token)
    if membership is None:
        raise Http404("No such calendar.")
    events, shown = feed_events(membership)
    # Logged like a page view of these clients, without the secret path (a log reader could use it).
    log_access(request, membership, shown, AccessEvent.Kind.FEED, view="calendar_feed", path="/calendar/(private).ics")
    body = ics.calendar(events, name=f"Sessions, {membership.practice}", now=timezone.now())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@access.member_required(Role.CLIENT)
def client_appointment_ics(request: HttpRequest, session_id) -> HttpResponse:
    """One of the client's own appointments, to add to their calendar (the practice's name only)."""
    client = access.own_client(request)
    session = get_object_or_404(TherapySession, pk=session_id, client=client, status=Status.SCHEDULED)
    event = ics.Event(uid=f"appointment-{session.pk}@practice.invalid", start=session.scheduled_start,
                      end=session.planned_end, summary=f"Appointment, {client.practice}", location=session.place)
    response = HttpResponse(ics.calendar([event], name=str(client.practice), now=timezone.now()),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response

