"""Scheduling, the readiness checklist, starting and closing sessions."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients import access
from practice.roles import Role
from sessions.livelog.forms import DoseForm, EventForm, VitalsForm, WaterForm
from sessions.livelog.selectors import live_state
from sessions.livelog.services import AlreadyRecorded, record
from sessions.scheduling.models import Kind, Status
from sessions.scheduling.selectors import client_zone, session_for

LOG_FORMS = {"dose": DoseForm, "vitals": VitalsForm, "water": WaterForm, "event": EventForm}


def _log_forms(zone, bound_kind=None, bound=None):
    forms_ = {kind: cls(zone=zone, prefix=kind, initial={"token": uuid.uuid4()}) for kind, cls in LOG_FORMS.items()}
    if bound_kind:
        forms_[bound_kind] = bound
    return forms_


def _live_context(request, client, session, **extra):
    can_write = access.can_write_client(request.membership, client)
    return {"client": client, "session": session, "state": live_state(session), "zone": client_zone(client),
            "can_write": can_write and session.status == Status.IN_PROGRESS, **extra}


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def live(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=False)
    if session.kind != Kind.MEDICINE:
        raise Http404("Only medicine sessions have a live log.")
    return render(request, "sessions/live.html", _live_context(request, client, session,
                                                               forms=_log_forms(client_zone(client))))


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def live_state_partial(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=False)
    return render(request, "sessions/live_state.html", _live_context(request, client, session))


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def live_record(request: HttpRequest, client_id, session_id, kind: str) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=True)
    if kind not in LOG_FORMS or session.kind != Kind.MEDICINE:
        raise Http404("No such log entry.")
    zone = client_zone(client)
    form = LOG_FORMS[kind](request.POST, zone=zone, prefix=kind)
    errors, logged = [], False
    if form.is_valid():
        try:
            record(session=session, by=request.membership, kind=kind, data=form.entry())
            logged = True
        except AlreadyRecorded:
            logged = True  # a double tap: the first one counts, nothing more is written
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [f"{form.fields[name].label if name in form.fields else 'Entry'}: {' '.join(msgs)}"
                  if name != "__all__" else " ".join(msgs) for name, msgs in form.errors.items()]
    htmx = request.headers.get("HX-Request") == "true"
    if htmx:
        response = render(request, "sessions/live_state.html", _live_context(request, client, session, errors=errors))
        if logged:
            response["HX-Trigger"] = "live-logged"
        return response
    if logged:
        return redirect("session_live", client_id=client.pk, session_id=session.pk)
    return render(request, "sessions/live.html", _live_context(
        request, client, session, errors=errors, forms=_log_forms(zone, kind, form)), status=400)
