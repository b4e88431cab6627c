"""The supervisor's review page for one supervisee: what needs a second pair of eyes, each
item with a "reviewed" mark and note (itself audited). Read-only for the records."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients.consent import ConsentKind, ConsentSignature
from screening.models import CautionAcknowledgement
from sessions.checkins import CheckInAnswer
from sessions.models import GateCheck
from sessions.notewriting import overdue_notes
from sessions.surveys import RuptureAlert

from . import access
from .auditing import note_read
from .reviews import ReviewMark
from .roles import Role

LIMIT = 100


def _supervisee(request, therapist_id):
    therapist = access.supervised_therapists(request.membership).select_related("user").filter(pk=therapist_id).first()
    if therapist is None:
        raise Http404("Not your supervisee.")
    return therapist


@access.member_required(Role.SUPERVISOR)
def review(request: HttpRequest, therapist_id) -> HttpResponse:
    therapist = _supervisee(request, therapist_id)
    clients = access.clients_visible_to(request.membership).filter(assignments__therapist=therapist,
                                                                   assignments__ended_at__isnull=True)
    sections = [
        ("note", "Notes not signed within 72 hours", list(overdue_notes([therapist]).select_related("note")[:LIMIT])),
        ("caution", "CAUTION flags acknowledged, with rationale", list(
            CautionAcknowledgement.objects.filter(acknowledged_by=therapist).select_related("client__membership__user")
            .order_by("-acknowledged_at")[:LIMIT])),
        ("gate", "Readiness checklist overrides, with rationale", list(
            GateCheck.objects.filter(checked_by=therapist, outcome="rationale").select_related(
                "session__client__membership__user").order_by("-checked_at")[:LIMIT])),
        ("consent", "Touch and recording consents", list(
            ConsentSignature.objects.filter(client__in=clients, version__template__kind__in=[
                ConsentKind.TOUCH, ConsentKind.RECORDING]).select_related(
                "client__membership__user", "version__template", "revocation").order_by("-signed_at")[:LIMIT])),
        ("rupture", "Alliance alerts", list(
            RuptureAlert.objects.filter(response__practitioner=therapist).select_related(
                "response__client__membership__user", "acknowledgement__by__user").order_by("-created_at")[:LIMIT])),
        ("danger", "Danger check-ins and how fast they were acknowledged", list(
            CheckInAnswer.objects.filter(danger=True, checkin__client__in=clients).select_related(
                "checkin__client__membership__user").prefetch_related("acknowledgements").order_by(
                "-submitted_at")[:LIMIT])),
        ("concern", "Client concerns about this therapist", list(
            access.concerns_visible_to(request.membership).filter(about=therapist).select_related(
                "client__membership__user").order_by("-created_at")[:LIMIT])),
    ]
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
    if kind == "gate":
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
    item = request.POST.get("item", "")
    item_id = request.POST.get("item_id", "")[:64]
    if item not in ReviewMark.Item.values or not item_id:
        messages.error(request, "Choose an item to mark as reviewed.")
        return redirect("supervisee_review", therapist_id=therapist.pk)
    client_id = request.POST.get("client") or None
    if client_id and not access.clients_visible_to(request.membership).filter(pk=client_id).exists():
        raise Http404("No such client.")
    ReviewMark.objects.create(practice_id=therapist.practice_id, supervisor=request.membership, therapist=therapist,
                              client_id=client_id, item=item, item_id=item_id,
                              note=request.POST.get("note", "").strip()[:2000])
    messages.success(request, "Marked as reviewed.")
    return redirect("supervisee_review", therapist_id=therapist.pk)
