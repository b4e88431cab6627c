"""The supervisor's review page for one supervisee: what needs a second pair of eyes, each
item with a "reviewed" mark and note (itself audited). Read-only for the records."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from sessions.livelog.models import DoseGiven
from sessions.models import GateCheck
from sessions.notes.selectors import open_too_long, overdue_notes
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
        ("note", f"Notes not signed within {TIMING.note_overdue_hours} hours", overdue_notes([therapist]).select_related("note")),
        ("caution", "CAUTION flags acknowledged, with rationale",
         CautionAcknowledgement.objects.filter(acknowledged_by=therapist).select_related("client__membership__user")
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
    marks = defaultdict(list)
    for mark in ReviewMark.objects.filter(therapist=therapist).select_related("supervisor__user"):
        marks[(mark.item, mark.item_id)].append(mark)
    shown = set()
    for kind, _title, items in sections:
        for item in items:
            item.review_marks = marks.get((kind, str(item.pk)), [])
            item.review_client_id = _client_id(kind, item)
            shown.add(item.review_client_id)
            if kind == "danger":
                first = min((a.at for a in item.acknowledgements.all()), default=None)
                item.time_to_ack = _duration(first - item.submitted_at) if first else None
    note_read(request, [pk for pk in shown if pk])
    return render(request, "practice/review.html", {"therapist": therapist, "sections": sections})


def _duration(delta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _client_id(kind: str, item):
    if kind in ("gate", "dose"):
        return item.session.client_id
    if kind == "rupture":
        return item.response.client_id
    if kind == "danger":
        return item.checkin.client_id
    return getattr(item, "client_id", None)


@access.member_required(Role.SUPERVISOR)
@require_POST
def mark(request: HttpRequest, therapist_id) -> HttpResponse:
    therapist = _supervisee(request, therapist_id)
    form = ReviewMarkForm(request.POST)
    item = None
    if form.is_valid():
        kind = form.cleaned_data["item"]
        items = dict((k, qs) for k, _title, qs in _sections(request, therapist))[kind]
        try:
            item = items.filter(pk=form.cleaned_data["item_id"]).first()
        except (ValueError, ValidationError):  # not an id of that kind of record
            item = None
        if item is None:
            form.add_error("item_id", "That item is not on this review page.")
    if item is None:
        messages.error(request, "Not marked: " + error_text(form))
        return redirect("supervisee_review", therapist_id=therapist.pk)
    # The client comes from the item itself, never from the form.
    ReviewMark.objects.create(practice_id=therapist.practice_id, supervisor=request.membership, therapist=therapist,
                              client_id=_client_id(kind, item), item=kind, item_id=str(item.pk),
                              note=form.cleaned_data["note"])
    messages.success(request, "Marked as reviewed.")
    return redirect("supervisee_review", therapist_id=therapist.pk)
