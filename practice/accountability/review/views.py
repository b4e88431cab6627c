"""The supervisor's review page for one supervisee: what needs a second pair of eyes, each
item with a "reviewed" mark and note (itself audited). Read-only for the records."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients import access
from clients.consent.models import ConsentKind, ConsentSignature
from practice.accountability.review.forms import ReviewMarkForm
from practice.accountability.review.models import ReviewMark
from practice.audit.context import note_read
from practice.posted import error_text
from practice.roles import Role
from practice.timing import TIMING
from screening.models import CautionAcknowledgement
from screening.selectors import latest_reviews_with_suicide_risk
from sessions.checkins.models import CheckInAnswer
from sessions.livelog.models import DoseGiven, SessionEvent
from sessions.livelog.selectors import with_emergency_signs
from sessions.measures.models import MeasureResponse
from sessions.models import GateCheck
from sessions.notes.selectors import awaiting_cosignature, open_too_long, overdue_notes
from sessions.surveys.models import RuptureAlert

LIMIT = 100


def _supervisee(request, therapist_id):
    therapist = access.supervised_therapists(request.membership).select_related("user").filter(pk=therapist_id).first()
    if therapist is None:
        raise Http404("Not your supervisee.")
    return therapist


def _sections(request, therapist):
    """(kind, title, queryset) for each part of the review page: one definition for showing an
    item and for checking that a posted mark names an item of this page."""
    clients = access.clients_visible_to(request.membership).filter(assignments__therapist=therapist,
                                                                   assignments__ended_at__isnull=True)
    return [
        ("cosign", "Notes awaiting your co-signature", awaiting_cosignature(request.membership, [therapist])),
        ("emergency", "Medicine sessions with emergency signs", with_emergency_signs([therapist])),
        ("note", f"Notes not signed within {TIMING.note_overdue_hours} hours", overdue_notes([therapist]).select_related("note")),
        ("caution", "CAUTION flags acknowledged, with rationale",
         CautionAcknowledgement.objects.filter(acknowledged_by=therapist).select_related("client__membership__user",
                                                                                         "review")
         .order_by("-acknowledged_at")),
        ("gate", "Readiness checklist overrides, with rationale",
         GateCheck.objects.filter(checked_by=therapist, outcome="rationale").select_related(
             "session__client__membership__user").order_by("-checked_at")),
        ("consent", "Touch and recording consents",
         ConsentSignature.objects.filter(client__in=clients, version__template__kind__in=[
             ConsentKind.TOUCH, ConsentKind.RECORDING]).select_related(
             "client__membership__user", "version__template", "revocation").order_by("-signed_at")),
        ("rupture", "Alliance alerts",
         RuptureAlert.objects.filter(response__practitioner=therapist).select_related(
             "response__client__membership__user", "acknowledgement__by__user").order_by("-created_at")),
        ("danger", "Danger check-ins and how fast they were acknowledged",
         CheckInAnswer.objects.filter(danger=True, checkin__client__in=clients).select_related(
             "checkin__client__membership__user").prefetch_related("acknowledgements").order_by("-submitted_at")),
        ("measure", "Questionnaire answers about thoughts of self-harm (PHQ-9 question 9)",
         MeasureResponse.objects.filter(danger=True, client__in=clients).select_related(
             "client__membership__user").prefetch_related("acknowledgements").order_by("-submitted_at")),
        ("cssrs", "Screening answers about suicide (C-SSRS screener)", latest_reviews_with_suicide_risk(clients)),
        ("open", "Medicine sessions still in progress after 24 hours", open_too_long([therapist])),
        ("dose", "Doses outside the plan or the booster window",
         DoseGiven.objects.filter(session__practitioner=therapist).exclude(warning="").select_related(
             "session__client__membership__user").order_by("-at")),
        ("concern", "Client concerns about this therapist",
         access.concerns_visible_to(request.membership).filter(about=therapist).select_related(
             "client__membership__user").order_by("-created_at")),
    ]


@access.member_required(Role.SUPERVISOR)
def review(request: HttpRequest, therapist_id) -> HttpResponse:
    therapist = _supervisee(request, therapist_id)
    sections = [(kind, title, list(items[:LIMIT])) for kind, title, items in _sections(request, therapist)]
    marks = defaultdict(list)  # the marks of the items shown, not every mark ever made
    for mark in ReviewMark.objects.filter(therapist=therapist, item_id__in={
            str(item.pk) for _kind, _title, items in sections for item in items}).select_related("supervisor__user"):
        marks[(mark.item, mark.item_id)].append(mark)
    shown = set()
    for kind, _title, items in sections:
        for item in items:
            item.review_marks = marks.get((kind, str(item.pk)), [])
            item.review_client_id = _client_id(kind, item)
            shown.add(item.review_client_id)
            if kind in ("danger", "measure"):
                first = min((a.at for a in item.acknowledgements.all()), default=None)
                item.time_to_ack = _duration(first - item.submitted_at) if first else None
            if kind == "caution":  # the flag's own words, from the review it was acknowledged on
                item.flag_reason = next((f["reason"] for f in item.review.flags if f.get("key") == item.flag_key),
                                        "A caution of that screening")
    outcomes = defaultdict(list)
    emergency = dict((k, items) for k, _t, items in sections)["emergency"]
    for event in SessionEvent.objects.filter(session__in=emergency, kind=SessionEvent.Kind.OUTCOME).order_by("at"):
        event.outcome_label = (SessionEvent.Outcome(event.code).label if event.code in SessionEvent.Outcome.values
                               else "what was done is in the log")
        outcomes[event.session_id].append(event)
    for session in emergency:
        session.outcomes = outcomes[session.pk]
    note_read(request, [pk for pk in shown if pk])
    return render(request, "practice/review.html", {"therapist": therapist, "sections": sections,
                                                    "markable": MARKABLE})


def _duration(delta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _client_id(kind: str, item):
    if kind == "cosign":
        return item.session.client_id
    if kind in ("gate", "dose"):
        return item.session.client_id
    if kind == "rupture":
        return item.response.client_id
    if kind == "danger":
        return item.checkin.client_id
    return getattr(item, "client_id", None)


MARKABLE = set(ReviewMark.Item.values)  # co-signing is the review act for notes awaiting it


@access.member_required(Role.SUPERVISOR)
@require_POST
def mark(request: HttpRequest, therapist_id) -> HttpResponse:
    """Mark one item (item, item_id) or every ticked one (pick = "kind:id", repeated) reviewed,
    with one note. All or nothing: a pick that is not on the page marks none."""
    therapist = _supervisee(request, therapist_id)
    picks = request.POST.getlist("pick")
    pairs = [tuple(p.split(":", 1)) for p in picks if ":" in p] if picks else [
        (request.POST.get("item", ""), request.POST.get("item_id", ""))]
    if picks and len(pairs) != len(picks):
        pairs.append(("", ""))  # a pick that does not read as one: refused below
    sections = {k: qs for k, _title, qs in _sections(request, therapist)}
    found, problem = [], ""
    for kind, item_id in pairs[:LIMIT * len(MARKABLE)]:
        form = ReviewMarkForm({"item": kind, "item_id": item_id, "note": request.POST.get("note", "")})
        if not form.is_valid() or kind not in MARKABLE:
            problem = error_text(form) if not form.is_valid() else "That item cannot be marked here."
            break
        try:
            item = sections[kind].filter(pk=form.cleaned_data["item_id"]).first()
        except (ValueError, ValidationError):  # not an id of that kind of record
            item = None
        if item is None:
            problem = "That item is not on this review page."
            break
        found.append((kind, item, form.cleaned_data["note"]))
    if problem or not found:
        messages.error(request, "Not marked: " + (problem or "tick at least one item."))
        return redirect("supervisee_review", therapist_id=therapist.pk)
    with transaction.atomic():
        for kind, item, note in found:
            # The client comes from the item itself, never from the form.
            ReviewMark.objects.create(practice_id=therapist.practice_id, supervisor=request.membership,
                                      therapist=therapist, client_id=_client_id(kind, item), item=kind,
                                      item_id=str(item.pk), note=note)
    messages.success(request, "Marked as reviewed." if len(found) == 1 else f"{len(found)} items marked as reviewed.")
    return redirect("supervisee_review", therapist_id=therapist.pk)
