"""The link in a reminder email: checked, then on to the portal's list of sessions (sign-in
first if needed). The link page itself shows nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from sessions.reminders.services import reminder_from_token


def by_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reminder_from_token(token)
    except ValidationError as exc:
        return render(request, "sessions/reminder_invalid.html", {"reason": exc.messages[0]}, status=410)
    return redirect(reverse("portal") + "#appt-h")
