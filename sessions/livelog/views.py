"""The live log of a medicine session: a phone-first page where each entry is answered beside
the button that was tapped, and a pinned bar while an emergency sign is open."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import access
from practice.posted import error_text
from practice.roles import Role
from screening.services import practice_policy
from sessions.livelog.forms import DoseForm, EventForm, SignOutcomeForm, VitalsForm, WaterForm
from sessions.livelog.models import DoseGiven, SessionEvent
from sessions.livelog.selectors import dose_prefill, live_state, open_signs
from sessions.livelog.services import AlreadyRecorded, record, sign_outcome_record
from sessions.scheduling.models import Kind
from sessions.scheduling.selectors import client_zone, session_for

LOG_FORMS = {"dose": DoseForm, "vitals": VitalsForm, "water": WaterForm, "event": EventForm}
LABELS = {"dose": "Dose", "vitals": "Vitals", "water": "Water", "event": "Other"}
DONE = {"dose": "Dose", "vitals": "Vitals", "water": "Water", "event": "Entry"}


def _fresh_form(kind: str, session, zone):
    initial = {"token": uuid.uuid4()}
    if kind == "dose":
        initial.update(dose_prefill(session))
    return LOG_FORMS[kind](zone=zone, prefix=kind, initial=initial)


def _prefilled(kind: str, form) -> str:
    """The one-tap button text of a dose form filled in from the plan ("" otherwise)."""
    data = form.initial
    if kind != "dose" or form.is_bound or not all(data.get(k) for k in ("which", "amount_mg", "batch", "test_result")):
        return ""
    return f"{DoseGiven.Which(data['which']).label.lower()}: {data['amount_mg']} mg"


def _log_forms(session, zone, bound_kind=None, bound=None, **result) -> list[dict]:
    forms = []
    for kind in LOG_FORMS:
        form = bound if kind == bound_kind and bound is not None else _fresh_form(kind, session, zone)
        forms.append({"kind": kind, "label": LABELS[kind], "form": form, "prefilled": _prefilled(kind, form),
                      **(result if kind == bound_kind else {})})
    return forms


def _default_tab(state) -> str:
    return "dose" if state.initial_at is None else "vitals"


def _live_context(request, client, session, **extra):
    state = live_state(session)
    can_write = access.can_write_client(request.membership, client)
    return {"client": client, "session": session, "state": state, "zone": client_zone(client),
            "policy": practice_policy(client.practice_id), "outcome_choices": SessionEvent.Outcome.choices,
            "can_write": can_write and state.in_progress, "tab": _default_tab(state), **extra}


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def live(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=False)
    if session.kind != Kind.MEDICINE:
        raise Http404("Only medicine sessions have a live log.")
    context = _live_context(request, client, session)
    done = request.GET.get("recorded")
    result = {"result": f"{DONE[done]} recorded."} if done in LOG_FORMS else {}
    context["log_forms"] = _log_forms(session, context["zone"], done if result else None, None, **result)
    if result:
        context["tab"] = done
    return render(request, "sessions/live.html", context)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def live_state_partial(request: HttpRequest, client_id, session_id) -> HttpResponse:
    """What the page polls: the timeline, the log and the emergency bar, swapped in place."""
    client, session = session_for(request, client_id, session_id, write=False)
    return render(request, "sessions/live_state.html", _live_context(request, client, session))


def _form_errors(form) -> list[str]:
    return [f"{form.fields[name].label if name in form.fields else 'Entry'}: {' '.join(msgs)}"
            if name != "__all__" else " ".join(msgs) for name, msgs in form.errors.items()]


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def live_record(request: HttpRequest, client_id, session_id, kind: str) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=True)
    if kind not in LOG_FORMS or session.kind != Kind.MEDICINE:
        raise Http404("No such log entry.")
    zone = client_zone(client)
    form = LOG_FORMS[kind](request.POST, zone=zone, prefix=kind)
    signs_before = set(open_signs(session)) if form.is_valid() else set()
    error = ""
    if form.is_valid():
        try:
            entry = record(session=session, by=request.membership, kind=kind, data=form.entry())
        except AlreadyRecorded:
            entry = None  # a double tap or a resend: the first one counts, nothing more is written
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Not recorded: " + " ".join(_form_errors(form))
    context = _live_context(request, client, session)
    if error:
        form_result = {"result_error": error}
    else:
        at = (entry.at if entry else timezone.now()).astimezone(zone)
        new = [s for s in context["state"].open_alerts if s not in signs_before]
        form_result = {"result": f"{DONE[kind]} recorded at {at:%H:%M}." + (
            " Emergency sign: " + "; ".join(new) + ". See the red bar at the top." if new else "")}
        context["new_sign"] = bool(new)
        form = _fresh_form(kind, session, zone)
    if request.headers.get("HX-Request") == "true":
        response = render(request, "sessions/live_record.html", {
            **context, "kind": kind, "label": LABELS[kind], "form": form, "prefilled": _prefilled(kind, form),
            **form_result}, status=200)
        if not error:
            response["HX-Trigger"] = "live-logged"
        return response
    if not error:
        live_url = reverse("session_live", kwargs={"client_id": client.pk, "session_id": session.pk})
        return redirect(f"{live_url}?recorded={kind}#entry-{kind}")
    context["log_forms"] = _log_forms(session, zone, kind, form, **form_result)
    context["tab"] = kind
    return render(request, "sessions/live.html", context, status=400)


PAGES = {"live": "session_live", "detail": "session_detail", "note": "session_note"}


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def sign_outcome(request: HttpRequest, client_id, session_id) -> HttpResponse:
    """What was done about an open emergency sign, from the pinned bar of any page of the session."""
    client, session = session_for(request, client_id, session_id, write=True)
    key = request.POST.get("sign", "")
    if session.kind != Kind.MEDICINE or not re.fullmatch(r"[0-9a-f]{12}", key):
        raise Http404("No such emergency sign.")
    form = SignOutcomeForm(request.POST, zone=client_zone(client), prefix=f"outcome-{key}")
    error = ""
    if form.is_valid():
        try:
            sign_outcome_record(session=session, by=request.membership, key=key, data=form.entry())
        except AlreadyRecorded:
            pass
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Not recorded: " + error_text(form)
    page = request.POST.get("from") if request.POST.get("from") in PAGES else "live"
    if request.headers.get("HX-Request") == "true":
        context = _live_context(request, client, session, outcome_error=error, from_page=page)
        return render(request, "sessions/sign_outcome.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Recorded what was done about the emergency sign.")
    return redirect(PAGES[page], client_id=client.pk, session_id=session.pk)

