"""Client pages: the therapist's caseload, a client's record, and the client's portal."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from clients.caseload.forms import StageForm
from clients.caseload.services import client_set_stage
from clients.consent import selectors as consent_selectors
from clients.demographics import programs
from clients.demographics.selectors import latest_by_program
from clients.invitations.services import InvitationError, invitation_create, invitation_send
from clients.portal.rules import Waiting, next_steps
from practice import mfa
from practice.audit.context import note_read
from practice.pages import caseload as caseload_list
from practice.pages import record
from practice.pages import today as today_page
from practice.paging import Page, page_of
from practice.posted import posted
from practice.roles import Role
from practice.team.forms import ClientInvitationForm
from practice.tenancy.models import Invitation, SupervisionLink
from practice.timing import TIMING
from screening.facts import latest_submitted
from screening.forms import TITLES as FORM_TITLES
from screening.selectors import attach_screening_status, dose_for, form_states, suicide_screens_to_follow_up
from screening.services import KINDS
from sessions.checkins.forms import CheckInDaysForm
from sessions.checkins.models import CheckIn, CheckInAnswer
from sessions.checkins.selectors import checkin_charts
from sessions.flightplans.models import FlightPlanVersion
from sessions.flightplans.selectors import plan_status
from sessions.measures.selectors import charts as measure_charts
from sessions.measures.selectors import due_for, for_record, open_danger
from sessions.models import TherapySession
from sessions.notes.selectors import open_too_long, overdue_notes
from sessions.preparation.selectors import progress
from sessions.readiness.selectors import dose_history
from sessions.surveys.instruments import load as measure_load
from sessions.surveys.selectors import client_alliance, latest_by_pair
from sessions.surveys.selectors import open_for as survey_open_for

CASELOAD_PAGE_SIZE = 50


@access.member_required(Role.THERAPIST)
def caseload(request: HttpRequest) -> HttpResponse:
    filters = caseload_list.CaseloadFilterForm(request.GET)
    chosen = {k: v for k, v in (filters.cleaned_data if filters.is_valid() else {}).items() if v}
    listed = caseload_list.caseload(access.clients_visible_to(request.membership), therapist=request.membership,
                                    **chosen)
    page = page_of(listed, request.GET.get("page"), CASELOAD_PAGE_SIZE)  # no count of the whole caseload
    page = Page(attach_screening_status(page.object_list), page.number, page.has_next)
    alliance = latest_by_pair([c.pk for c in page.object_list], [request.membership.pk])
    for c in page.object_list:
        c.alliance = alliance.get((c.pk, request.membership.pk))
    pending = Invitation.objects.filter(
        therapist=request.membership, role=Role.CLIENT, accepted_at__isnull=True,
        revoked_at__isnull=True, expires_at__gt=timezone.now(),
    )
    overdue = list(overdue_notes([request.membership]))
    still_open = list(open_too_long([request.membership]))
    suicide_screens = suicide_screens_to_follow_up(access.clients_visible_to(request.membership))
    danger = list(CheckInAnswer.objects.filter(open__therapist=request.membership, open__danger=True,
                                               checkin__client__in=access.clients_visible_to(request.membership))
                  .select_related("checkin__client__membership__user").order_by("-submitted_at"))
    measure_danger = list(open_danger(access.clients_visible_to(request.membership)).select_related(
        "client__membership__user").order_by("-submitted_at"))
    note_read(request, [c.pk for c in page.object_list] + [a.checkin.client_id for a in danger]
              + [m.client_id for m in measure_danger]
              + [s.client_id for s in overdue] + [s.client_id for s in still_open]
              + [r.client_id for r in suicide_screens])
    return render(request, "clients/caseload.html", {"clients": page, "page": page, "pending": pending,
                                                     "filters": filters, "filtered": bool(chosen),
                                                     "query": urlencode(chosen),
                                                     "overdue": overdue, "danger": danger, "still_open": still_open,
                                                     "measure_danger": measure_danger,
                                                     "suicide_screens": suicide_screens})


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def today(request: HttpRequest) -> HttpResponse:
    """The home of therapists and supervisors: today's and tomorrow's sessions, then what needs action."""
    zone = timezone.get_current_timezone()
    sessions = today_page.agenda(request.membership, zone)
    actions = today_page.actions(request.membership)
    note_read(request, [s.client_id for s in sessions] + [a.client_id for a in actions])
    start, _ = today_page.days(zone)
    tomorrow = start + timedelta(days=1)
    prepared = progress([s for s in sessions if s.kind == "medicine" and s.status == "scheduled"])
    for s in sessions:
        s.prepared = prepared.get(s.pk)
    return render(request, "clients/today.html", {
        "today": [s for s in sessions if s.scheduled_start < tomorrow],
        "tomorrow": [s for s in sessions if s.scheduled_start >= tomorrow], "day": start, "next_day": tomorrow,
        "actions": actions, "supervisor": request.membership.role == Role.SUPERVISOR})


@access.member_required(Role.THERAPIST)
@require_http_methods(["GET", "POST"])
def invite_client(request: HttpRequest) -> HttpResponse:
    form = ClientInvitationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                new = invitation_create(inviter=request.membership, role=Role.CLIENT, **form.cleaned_data)
                invitation_send(new)
        except InvitationError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {new.invitation.email}.")
            return redirect("caseload")
    return render(request, "clients/invite_client.html", {"form": form}, status=400 if form.errors else 200)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def client_detail(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id)
    can_write = access.can_write_client(request.membership, client)
    # Read once for the whole page: the summary, the dose history and the forms list use it.
    forms = {kind: latest_submitted(model, client) for kind, model in KINDS.items()}
    sessions = record.ordered_sessions(TherapySession.objects.filter(client=client).select_related("practitioner__user"))
    therapists = [a.therapist for a in client.assignments.filter(ended_at__isnull=True).select_related("therapist__user")]
    review = client.screening_reviews.select_related("intake").first()
    versions, states = consent_selectors.states_for([client], client.practice_id)
    doses = dose_history(client, intake=forms["intake"])
    checkins = CheckIn.objects.filter(client=client).select_related("answer").prefetch_related(
        "answer__acknowledgements__by__user").order_by("-due_at")[:30]
    screening = attach_screening_status([client])[0].screening_status
    facts = record.summary(client, screening, sessions, review, intake=forms["intake"])
    latest_plan = FlightPlanVersion.objects.filter(client=client).prefetch_related("signatures").order_by("-number").first()
    measures = for_record(client)
    return render(request, "clients/client_detail.html", {
        "client": client, "can_write": can_write, "sessions": sessions, "therapists": therapists,
        "intake": facts.intake, "age": facts.age, "next_session": facts.next_session, "alerts": facts.alerts,
        "suggestion": facts.suggestion, "plan_status": plan_status(latest_plan),
        "forms": [(kind, FORM_TITLES[kind], record_) for kind, record_ in forms.items()],
        "screening": screening, "dose": dose_for(review, client),
        "consent_rows": [(v, states[client.pk][v.template_id]) for v in versions], "doses": doses,
        "checkins": checkins,
        "days_form": CheckInDaysForm(initial={"days": ", ".join(map(str, client.checkin_days or TIMING.checkin_days))}),
        "checkin_charts": checkin_charts([c.answer for c in reversed(list(checkins)) if hasattr(c, "answer")]),
        "stage_form": StageForm(initial={"stage": client.stage}) if can_write else None,
        "measures": measures, "measure_charts": measure_charts(measures),
        "can_acknowledge": can_write or request.membership.role == Role.SUPERVISOR,
        **client_alliance(client, request.membership, can_acknowledge=can_write
                          if request.membership.role == Role.THERAPIST else None),
    })


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def client_stage(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    form = StageForm(request.POST)
    if form.is_valid():
        client_set_stage(client=client, stage=form.cleaned_data["stage"])
        messages.success(request, f"Stage set to {client.get_stage_display()}.")
    else:
        messages.error(request, "Choose one of the listed stages.")
    return redirect("client_detail", client_id=client.pk)


@access.member_required(Role.CLIENT)
def portal(request: HttpRequest) -> HttpResponse:
    client = access.clients_visible_to(request.membership).select_related("membership__user").first()
    if client is None:  # a client login whose record was never created: say so, don't crash
        return render(request, "practice/no_membership.html", status=404)
    # One query for the sessions booked ahead and a medicine session completed in the last two
    # days; the recent ones start earlier, so the first 20 always hold the next five booked.
    now = timezone.now()
    near = list(TherapySession.objects.filter(client=client).filter(
        Q(scheduled_start__gte=now, status="scheduled")
        | Q(kind="medicine", status="completed", ended_at__gte=now - timedelta(days=2)))
        .select_related("practitioner__user").order_by("scheduled_start")[:20])
    upcoming = [s for s in near if s.status == "scheduled" and s.scheduled_start >= now][:5]
    therapists = [a.therapist for a in client.assignments.filter(ended_at__isnull=True).select_related(
        "therapist__user", "therapist__profile")]
    supervised_by: dict = {}
    for link in SupervisionLink.objects.filter(therapist__in=therapists, ended_at__isnull=True).select_related(
            "supervisor__user"):
        supervised_by.setdefault(link.therapist_id, []).append(str(link.supervisor.user))
    for t in therapists:
        t.supervised_by = supervised_by.get(t.pk, [])
    has_mfa = mfa.has_authenticator(request.user, request.session)
    forms_state = form_states(client)
    open_checkins = list(CheckIn.objects.filter(client=client, state__in=[CheckIn.State.SENT, CheckIn.State.NOT_SENT]))
    versions, states = consent_selectors.states_for([client], client.practice_id)
    unsubmitted = [kind for kind, record in forms_state if record is None or record.is_draft]
    open_surveys = list(survey_open_for(client))
    latest_plan = FlightPlanVersion.objects.filter(client=client).prefetch_related("signatures").order_by("-number").first()
    plan_waiting = latest_plan is not None and plan_status(latest_plan).code in ("draft", "therapist_signed")
    waiting = Waiting(
        unsubmitted=tuple(unsubmitted),
        consents_to_sign=tuple((v.title, v.pk) for v in versions if states[client.pk][v.template_id].outstanding),
        plan_to_sign=latest_plan.number if plan_waiting else None,
        checkins=tuple((c.day, c.pk) for c in open_checkins),
        surveys=tuple((str(s.practitioner.user), s.pk) for s in open_surveys),
        prepare=tuple((f"{timezone.localtime(s.scheduled_start):%A %-d %B}", s.pk) for s in upcoming
                      if s.kind == "medicine"))
    steps = next_steps(stage=client.stage, has_upcoming=bool(upcoming), has_mfa=has_mfa, waiting=waiting,
                       just_had_medicine_session=any(s.status == "completed" for s in near))
    saved = latest_by_program(client)
    reporting = [{"key": d["key"], "title": d["title"], "saved": saved.get(d["key"])} for d in programs.programs()]
    measures_due = [(measure_load(key), slot) for key, slot in due_for(client)]
    return render(request, "clients/portal.html", {
        "client": client, "upcoming": upcoming, "reporting": reporting, "measures_due": measures_due,
        "therapists": therapists, "forms_state": forms_state,
        "open_checkins": open_checkins, "open_surveys": open_surveys,
        "consent_rows": [(v, states[client.pk][v.template_id]) for v in versions],
        "steps": [(step, reverse(step.target, args=[step.arg] if step.arg is not None else [])
                   if step.target else "") for step in steps],
    })
