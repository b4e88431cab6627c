"""The supervision dashboard: each supervisee's caseload (filtered like the caseload), unsigned notes and alliance alerts."""

from __future__ import annotations

import copy

from django.db.models import Subquery, UUIDField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clients import access
from clients.caseload.selectors import in_name_order
from practice.accountability.review.models import ReviewMark
from practice.audit.context import note_read
from practice.pages import caseload as caseload_list
from practice.roles import Role
from screening.selectors import attach_screening_status
from sessions.livelog.selectors import with_emergency_signs
from sessions.notes.selectors import awaiting_cosignature, overdue_notes
from sessions.surveys import selectors as survey_selectors
from sessions.surveys.rules import NOT_NORMS

PER_SUPERVISEE = 50


@access.member_required(Role.SUPERVISOR)
def supervision(request: HttpRequest) -> HttpResponse:
    therapists = list(access.supervised_therapists(request.membership).select_related("user").order_by("user__full_name"))
    filters = caseload_list.CaseloadFilterForm(request.GET)
    chosen = {k: v for k, v in (filters.cleaned_data if filters.is_valid() else {}).items() if v}
    listed = caseload_list.caseload(access.clients_visible_to(request.membership), **chosen)
    # The first clients of each supervisee's (filtered) caseload: one bounded query per supervisee,
    # so the page costs the same at any caseload size; the filters and the search find the rest.
    by_therapist, more = {}, {}
    for t in therapists:
        mine = (in_name_order(listed, t) if chosen.get("sort", "name") == "name"
                else listed.filter(assignments__therapist=t, assignments__ended_at__isnull=True))
        found = list(mine[:PER_SUPERVISEE + 1])
        by_therapist[t.pk], more[t.pk] = found[:PER_SUPERVISEE], len(found) > PER_SUPERVISEE
    clients = attach_screening_status({c.pk: c for cs in by_therapist.values() for c in cs}.values())
    statuses = {c.pk: c.screening_status for c in clients}
    for cs in by_therapist.values():
        for c in cs:
            c.screening_status = statuses[c.pk]
    overdue = list(overdue_notes(therapists))
    to_cosign = list(awaiting_cosignature(request.membership)[:100])
    # Medicine sessions of supervisees where emergency signs were handled, until this supervisor
    # marks them reviewed (on the supervisee's review page).
    reviewed = ReviewMark.objects.filter(supervisor=request.membership, item=ReviewMark.Item.EMERGENCY).values("item_id")
    emergencies = list(with_emergency_signs(therapists).exclude(
        pk__in=Subquery(reviewed.annotate(as_uuid=Cast("item_id", UUIDField())).values("as_uuid")))[:100])
    note_read(request, [c.pk for c in clients] + [s.client_id for s in overdue] + [n.session.client_id for n in to_cosign]
              + [s.client_id for s in emergencies])
    alliance = survey_selectors.latest_by_pair(clients, therapists)
    rows = []
    for t in therapists:
        row_clients = []
        for client in by_therapist[t.pk]:
            client = copy.copy(client)  # a client of two supervisees shows each one's rating
            client.alliance = alliance.get((client.pk, t.pk))
            row_clients.append(client)
        rows.append((t, row_clients, more[t.pk]))
    return render(request, "practice/supervision.html", {
        "rows": rows, "overdue": overdue, "to_cosign": to_cosign, "emergencies": emergencies,
        "alliance": survey_selectors.supervisee_summary(therapists),
        "alliance_alerts": survey_selectors.open_alerts(access.clients_visible_to(request.membership))
        .filter(response__practitioner__in=therapists)[:100],
        "not_norms": NOT_NORMS, "filters": filters, "filtered": bool(chosen)})
