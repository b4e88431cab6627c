"""Request context: the viewer's time zone, their current practice, and the MFA rule."""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from practice import mfa
from practice.tenancy.models import Membership

PRACTICE_SESSION_KEY = "practice_id"


class UserTimezoneMiddleware:
    """Times are stored in UTC and shown in the viewer's own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.time_zone:
            timezone.activate(ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


def choose_membership(memberships: list[Membership], practice_id: str | None) -> Membership | None:
    """The membership for the practice chosen in the session; with only one, that one.

    A practice id the user is not an active member of (stale or tampered) is ignored.
    """
    for membership in memberships:
        if str(membership.practice_id) == practice_id:
            return membership
    if len(memberships) == 1:
        return memberships[0]
    return None


class PracticeMiddleware:
    """Sets request.memberships (active ones) and request.membership (the current one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.membership = None
        if request.user.is_authenticated:
            request.memberships = list(
                Membership.objects.filter(user=request.user, is_active=True)
                .select_related("practice")
                .order_by("practice__name")
            )
            chosen = choose_membership(request.memberships, request.session.get(PRACTICE_SESSION_KEY))
            if chosen is None:
                request.session.pop(PRACTICE_SESSION_KEY, None)
            elif request.session.get(PRACTICE_SESSION_KEY) != str(chosen.practice_id):
                request.session[PRACTICE_SESSION_KEY] = str(chosen.practice_id)
            request.membership = chosen
        return self.get_response(request)


class RequireStaffMFAMiddleware:
    """Staff must have an authenticator, and this session must have passed it.

    Without an authenticator: sent to TOTP enrolment (account pages, /accounts/, stay open so
    they can enrol). With one, but a session that never passed it (opened by a path that
    skipped the second step): signed out on any page at all, then asked to sign in with both
    factors. allauth asks enrolled users for a code at every login, so a normal login passes.
    """

    OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/invite/", "/c/", "/s/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(("/static/", "/healthz")) \
                or not mfa.required_for(user, request.memberships):
            return self.get_response(request)
        if not mfa.has_authenticator(user, request.session):
            if request.path.startswith(self.OPEN_PREFIXES):
                return self.get_response(request)
            messages.info(
                request,
                "Staff accounts need two-factor authentication before any client record is shown. "
                "Set up an authenticator app to continue.",
            )
            return redirect(reverse("mfa_activate_totp"))
        if not mfa.session_passed(request):
            logout(request)
            messages.info(request, "Please sign in again with your password and your authenticator code.")
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs out a session left idle: staff after STAFF_IDLE_MINUTES (policy: 15), clients after
    CLIENT_IDLE_MINUTES (60). Sessions also end when the browser closes.

    The last-seen time is written at most once a minute, so an active user does not cost a
    session write on every request.
    """

    KEY = "last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            staff = mfa.required_for(user, request.memberships)
            limit = 60 * (settings.STAFF_IDLE_MINUTES if staff else settings.CLIENT_IDLE_MINUTES)
            last = request.session.get(self.KEY)
            if last is not None and now - last > limit:
                logout(request)
                messages.info(request, "You were signed out after a period without activity. Please sign in again.")
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if last is None or now - last >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)
