"""The client answers a due symptom measure in the portal; staff acknowledge a danger answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from practice.posted import posted
from practice.roles import Role
from sessions.flightplans.selectors import crisis_plan
from sessions.measures import services
from sessions.measures.forms import MeasureScheduleForm
from sessions.measures.models import MeasureResponse, MeasureSchedule
from sessions.measures.selectors import due_for, schedule_of
from sessions.surveys import instruments
from sessions.surveys.forms import SurveyForm


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, instrument: str, slot: str) -> HttpResponse:
    client = access.own_client(request)
    due = next((s for key, s in due_for(client) if key == instrument and s.key == slot), None)
    if due is None:
        raise Http404("Not open.")  # answered already, closed, or never this client's
    measure = instruments.load(instrument)
    form = SurveyForm(measure, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_save(client=client, instrument_key=instrument, slot_key=slot,
                                              raw_answers=form.answers())
        except (ValidationError, instruments.AnswerError) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            return render(request, "sessions/measure_done.html", {"response": response, "crisis": crisis_plan(client)})
    return render(request, "sessions/measure_form.html", {"form": form, "instrument": measure, "slot": due},
                  status=400 if form.errors else 200)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def acknowledge(request: HttpRequest, client_id, response_id: int) -> HttpResponse:
    client = access.get_client(request, client_id)
    if not access.can_acknowledge(request.membership, client):
        raise PermissionDenied("Only the client's therapist or their supervisor acknowledges.")
    response = get_object_or_404(MeasureResponse, pk=response_id, client=client, danger=True)
    services.acknowledge(response=response, by=request.membership, note=request.POST.get("note", ""))
    messages.success(request, "Questionnaire answer acknowledged.")
    return redirect("client_detail", client_id=client.pk)


@access.member_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def practice_schedule(request: HttpRequest) -> HttpResponse:
    current = schedule_of(request.membership.practice_id)
    weeks = (list(current.after_weeks) + [0, 0])[:2]
    form = MeasureScheduleForm(posted(request), initial={
        "at_intake": current.at_intake, "before_medicine": current.before_medicine,
        "first_follow_up_weeks": weeks[0], "second_follow_up_weeks": weeks[1]})
    if request.method == "POST" and form.is_valid():
        services.schedule_save(by=request.membership, **form.cleaned_data)
        messages.success(request, "The practice's questionnaire schedule is saved.")
        return redirect("practice_measure_schedule")
    history = MeasureSchedule.objects.filter(practice_id=request.membership.practice_id).select_related(
        "created_by__user")[:20]
    return render(request, "sessions/measure_schedule.html", {"form": form, "history": history},
                  status=400 if form.errors else 200)
