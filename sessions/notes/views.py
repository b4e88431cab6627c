"""Scheduling, the readiness checklist, starting and closing sessions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from practice.posted import posted
from practice.roles import Role
from sessions.livelog.models import DoseGiven, SessionEvent
from sessions.livelog.selectors import adverse_in_log, emergency_for
from sessions.notes.forms import AddendumForm, CosignForm, NoteForm
from sessions.notes.models import SessionNote
from sessions.notes.services import addendum_add, note_cosign, note_save
from sessions.scheduling.models import Kind
from sessions.scheduling.selectors import client_zone, session_for


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def note(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=True)
    current = SessionNote.objects.filter(session=session).first()
    if current and current.signed_at:
        return redirect("session_detail", client_id=client.pk, session_id=session.pk)
    form = NoteForm(posted(request), kind=session.kind, initial=current.content if current else None)
    if request.method == "POST" and form.is_valid():
        try:
            note_save(session=session, author=request.membership, content=form.cleaned_data,
                      sign=request.POST.get("action") == "sign")
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Note signed and locked." if request.POST.get("action") == "sign"
                             else "Draft saved.")
            return redirect("session_detail", client_id=client.pk, session_id=session.pk)
    medicine = session.kind == Kind.MEDICINE
    return render(request, "sessions/note.html", {
        "client": client, "session": session, "form": form,
        "doses": DoseGiven.objects.filter(session=session).order_by("at") if medicine else [],
        "from_log": adverse_in_log(session) if medicine else [],
        "emergency": emergency_for(session), "zone": client_zone(client), "outcome_choices": SessionEvent.Outcome.choices,
    }, status=400 if form.errors else 200)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def addendum(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=True)
    form = AddendumForm(request.POST)
    current = SessionNote.objects.filter(session=session).first()
    if current is None or not form.is_valid():
        messages.error(request, "Write the addendum (up to 10,000 characters) on a signed note.")
    else:
        try:
            addendum_add(note=current, author=request.membership, text=form.cleaned_data["text"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Addendum signed and added.")
    return redirect("session_detail", client_id=client.pk, session_id=session.pk)


@access.member_required(Role.SUPERVISOR)
@require_POST
def cosign(request: HttpRequest, client_id, session_id) -> HttpResponse:
    client, session = session_for(request, client_id, session_id, write=False)
    current = get_object_or_404(SessionNote, session=session)
    form = CosignForm(request.POST)
    try:
        note_cosign(note=current, supervisor=request.membership,
                    comment=form.cleaned_data["comment"] if form.is_valid() else "")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Co-signed.")
    return redirect("session_detail", client_id=client.pk, session_id=session.pk)
