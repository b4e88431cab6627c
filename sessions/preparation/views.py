"""The client's preparation list for a coming medicine session (phone first; no script needed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clients import access
from practice.roles import Role
from sessions.preparation.selectors import preparation
from sessions.preparation.services import preparation_tick
from sessions.scheduling.models import Kind, TherapySession


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest, session_id) -> HttpResponse:
    client = access.own_client(request)
    session = get_object_or_404(TherapySession, pk=session_id, client=client, kind=Kind.MEDICINE)
    if request.method == "POST":
        keys = {k[:80] for k in request.POST.getlist("done")[:100]}
        try:
            changed = preparation_tick(session=session, by=request.membership, done_keys=keys)
        except ValidationError as exc:
            messages.error(request, "Nothing was saved: " + exc.messages[0])
        else:
            messages.success(request, "Saved." if changed else "Nothing had changed.")
        return redirect("client_prepare", session_id=session.pk)
    return render(request, "sessions/prepare.html", {"session": session, "lines": preparation(session)})
