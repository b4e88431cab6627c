"""Alliance surveys: the client answers (by emailed link or in the portal); staff read scores,
trends and rupture alerts; admins and therapists set the schedule."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from practice.audit.context import act_as
from practice.posted import error_text, posted
from practice.roles import Role
from sessions.surveys import instruments, selectors
from sessions.surveys import services as svc
from sessions.surveys.forms import AlertAcknowledgeForm, SurveyForm, SurveyScheduleForm
from sessions.surveys.models import RuptureAlert, SurveyRequest, SurveyResponse, SurveySchedule


def _answer_page(request, survey: SurveyRequest) -> HttpResponse:
    if survey.state == SurveyRequest.State.ANSWERED:
        return render(request, "sessions/survey_done.html", {"already": True}, status=409)
    if not selectors.is_open(survey):
        return render(request, "sessions/checkin_invalid.html",
                      {"reason": "This survey is closed: it has expired or is not open yet."}, status=410)
    instrument = instruments.load(survey.instrument_key)
    form = SurveyForm(instrument, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            svc.response_save(request=survey, raw_answers=form.answers())
        except ValidationError as exc:
            return render(request, "sessions/checkin_invalid.html", {"reason": exc.messages[0]}, status=409)
        return render(request, "sessions/survey_done.html", {"survey": survey})
    context = {"form": form, "survey": survey, "instructions": instrument.instructions.format(
        practitioner=survey.practitioner.user.get_full_name()), "instrument": instrument}
    return render(request, "sessions/survey_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def by_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = svc.request_from_token(token)
    except ValidationError as exc:
        return render(request, "sessions/checkin_invalid.html", {"reason": exc.messages[0]}, status=410)
    act_as(request, survey.client.membership.user_id)  # the audit trail names the client, not "anonymous"
    return _answer_page(request, survey)


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def in_portal(request: HttpRequest, request_id) -> HttpResponse:
    client = access.own_client(request)
    survey = get_object_or_404(SurveyRequest.objects.select_related("practitioner__user", "client__practice"),
                               pk=request_id, client=client)
    return _answer_page(request, survey)


@access.member_required(Role.CLIENT)
def portal_list(request: HttpRequest) -> HttpResponse:
    """Open surveys and the client's own past answers (answers, not scores: brwai.md default)."""
    client = access.own_client(request)
    past = []
    for response in SurveyResponse.objects.filter(client=client).select_related("practitioner__user").order_by(
            "-submitted_at"):
        instrument = instruments.from_definition(response.definition)
        past.append((response, [(item, instrument.label(response.answers[str(item.number)]))
                                for item in instrument.items]))
    return render(request, "sessions/survey_portal.html", {"open": selectors.open_for(client), "past": past})


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def acknowledge(request: HttpRequest, client_id, alert_id: int) -> HttpResponse:
    client = access.get_client(request, client_id)
    if not access.can_acknowledge(request.membership, client):
        raise PermissionDenied("You cannot acknowledge alerts for this client.")
    alert = get_object_or_404(RuptureAlert, pk=alert_id, response__client=client)
    form = AlertAcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not acknowledged: " + error_text(form))
    else:
        try:
            svc.acknowledge(alert=alert, by=request.membership, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Alliance alert acknowledged.")
    if form.is_valid() and form.cleaned_data["next"] == "supervision":
        return redirect("supervision")
    return redirect(f"/clients/{client.pk}/#alliance-h")


@access.member_required(Role.THERAPIST)
@require_POST
def client_schedule(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    form = SurveyScheduleForm(request.POST)
    if form.is_valid():
        svc.schedule_save(by=request.membership, client=client, **form.cleaned_data)
        messages.success(request, "Survey schedule saved for this client.")
    else:
        messages.error(request, "Survey schedule not saved: " + error_text(form))
    return redirect("client_detail", client_id=client.pk)


@access.member_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def practice_schedule(request: HttpRequest) -> HttpResponse:
    current = selectors.Schedule()
    latest = SurveySchedule.objects.filter(practice_id=request.membership.practice_id, client__isnull=True).first()
    if latest:
        current = selectors.Schedule(latest.first_sessions, latest.after_medicine, latest.every_weeks)
    form = SurveyScheduleForm(posted(request), initial=current.__dict__)
    if request.method == "POST" and form.is_valid():
        svc.schedule_save(by=request.membership, client=None, **form.cleaned_data)
        messages.success(request, "The practice's survey schedule is saved.")
        return redirect("practice_survey_schedule")
    history = SurveySchedule.objects.filter(practice_id=request.membership.practice_id, client__isnull=True
                                            ).select_related("created_by__user")[:20]
    return render(request, "sessions/survey_schedule.html", {"form": form, "history": history},
                  status=400 if form.errors else 200)
