"""Answering a check-in: by the emailed link (no login) or from the client's portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from practice.audit.context import act_as, note_read
from practice.paging import Page, page_of
from practice.posted import error_text, posted
from practice.roles import Role
from sessions.checkins.forms import AcknowledgeForm, CheckInDaysForm, CheckInForm, PauseForm
from sessions.checkins.models import CheckIn, CheckInAcknowledgement, CheckInAnswer, OpenAnswer
from sessions.checkins.services import answer_save, checkin_from_token
from sessions.flightplans.selectors import crisis_plan


def _answer_page(request, checkin: CheckIn) -> HttpResponse:
    if checkin.state == CheckIn.State.ANSWERED:
        return render(request, "sessions/checkin_done.html", {"already": True}, status=409)
    form = CheckInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            answer = answer_save(checkin=checkin, data=form.cleaned_data)
        except ValidationError as exc:
            return render(request, "sessions/checkin_invalid.html", {"reason": exc.messages[0]}, status=409)
        return render(request, "sessions/checkin_done.html", {"answer": answer, "crisis": crisis_plan(checkin.client)})
    return render(request, "sessions/checkin_form.html", {"form": form, "checkin": checkin},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def by_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        checkin = checkin_from_token(token)
    except ValidationError as exc:
        return render(request, "sessions/checkin_invalid.html", {"reason": exc.messages[0]}, status=410)
    act_as(request, checkin.client.membership.user_id)  # the audit trail names the client, not "anonymous"
    if checkin.state not in (CheckIn.State.SENT, CheckIn.State.ANSWERED, CheckIn.State.MISSED):
        return render(request, "sessions/checkin_invalid.html", {"reason": "This check-in is not open."}, status=410)
    return _answer_page(request, checkin)


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def in_portal(request: HttpRequest, checkin_id) -> HttpResponse:
    client = access.own_client(request)
    checkin = get_object_or_404(CheckIn, pk=checkin_id, client=client,
                                state__in=[CheckIn.State.SENT, CheckIn.State.ANSWERED, CheckIn.State.NOT_SENT,
                                           CheckIn.State.MISSED])  # late answers are welcome (see the form)
    return _answer_page(request, checkin)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def acknowledge(request: HttpRequest, client_id, answer_id: int) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    answer = get_object_or_404(CheckInAnswer, pk=answer_id, checkin__client=client)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        CheckInAcknowledgement.objects.create(answer=answer, by=request.membership, note=form.cleaned_data["note"])
        messages.success(request, "Check-in answer acknowledged.")
    else:
        messages.error(request, "Not acknowledged: " + error_text(form))
    return redirect("client_detail", client_id=client.pk)


@access.member_required(Role.CLIENT)
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    client = access.own_client(request)
    form = PauseForm(request.POST)
    if form.is_valid():
        type(client).objects.filter(pk=client.pk).update(checkins_paused=form.cleaned_data["paused"] == "yes")
    else:
        messages.error(request, "Nothing was changed: choose whether to pause check-in emails.")
    return redirect("portal")


INBOX_PAGE_SIZE = 50


@access.member_required(Role.THERAPIST)
def inbox(request: HttpRequest) -> HttpResponse:
    """New answers (danger first), missed and undeliverable check-ins of my caseload; each list
    paged on its own (50 a page, never counted whole)."""
    clients = access.clients_visible_to(request.membership)
    # The page's answers are chosen from their own table (OpenAnswer: the answers awaiting
    # acknowledgement, per therapist, walked in page order on its index), then only those are read.
    chosen = page_of(OpenAnswer.objects.filter(therapist=request.membership, client__in=clients)
                     .order_by("-danger", "-submitted_at", "-answer")
                     .values_list("answer", flat=True), request.GET.get("page"), INBOX_PAGE_SIZE)
    rows = CheckInAnswer.objects.select_related("checkin__client__membership__user").in_bulk(chosen.object_list)
    answers = Page([rows[pk] for pk in chosen.object_list], chosen.number, chosen.has_next)
    problems = page_of(CheckIn.objects.filter(client__in=clients, state__in=[
        CheckIn.State.MISSED, CheckIn.State.UNDELIVERABLE, CheckIn.State.NOT_SENT])
        .select_related("client__membership__user").order_by("-due_at", "-pk"), request.GET.get("more"), INBOX_PAGE_SIZE)
    note_read(request, [a.checkin.client_id for a in answers] + [c.client_id for c in problems])
    return render(request, "sessions/checkin_inbox.html", {
        "answers": answers, "problems": problems,
        "answers_query": urlencode({"more": problems.number}) if problems.number > 1 else "",
        "problems_query": urlencode({"page": answers.number}) if answers.number > 1 else ""})


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def set_days(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    form = CheckInDaysForm(request.POST)
    if form.is_valid():
        type(client).objects.filter(pk=client.pk).update(checkin_days=form.cleaned_data["days"])
        messages.success(request, "Check-in days saved; they apply to sessions completed from now on.")
    else:
        messages.error(request, form.errors["days"][0])
    return redirect("client_detail", client_id=client.pk)
