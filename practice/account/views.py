"""Practice-level pages: home routing, practice choice, team admin, supervision, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from clients import access
from practice.account.forms import ChoosePracticeForm, CredentialsForm, ProfileForm
from practice.middleware import PRACTICE_SESSION_KEY
from practice.posted import posted
from practice.roles import Role
from practice.tenancy.models import PractitionerProfile
from practice.tenancy.services import PROFILE_FIELDS, practitioner_profile_save

HOME_FOR_ROLE = {
    Role.THERAPIST: "today",
    Role.CLIENT: "portal",
    Role.SUPERVISOR: "today",
    Role.ADMIN: "team",
}


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    # For load balancers; also the "floor" view in tests/perf (same middleware, no work).
    return HttpResponse("ok", content_type="text/plain")


@access.member_required()
def home(request: HttpRequest) -> HttpResponse:
    return redirect(HOME_FOR_ROLE[request.membership.role])


@require_http_methods(["GET", "POST"])
def choose_practice(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    if request.method == "POST":
        form = ChoosePracticeForm(request.POST)
        chosen = None
        if form.is_valid():
            chosen = next((m for m in request.memberships if m.practice_id == form.cleaned_data["practice"]), None)
        if chosen is None:
            messages.error(request, "You are not a member of that practice.")
            return render(request, "practice/choose_practice.html", status=404)
        request.session[PRACTICE_SESSION_KEY] = str(chosen.practice_id)
        return redirect("home")
    if not request.memberships:
        return render(request, "practice/no_membership.html", status=403)
    return render(request, "practice/choose_practice.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(posted(request), initial={"full_name": user.full_name, "time_zone": user.time_zone})
    therapist = request.membership if request.membership and request.membership.role == Role.THERAPIST else None
    current = PractitionerProfile.objects.filter(membership=therapist).first() if therapist else None
    initial = {f: getattr(current, f) for f in PROFILE_FIELDS} if current else {}
    credentials = CredentialsForm(posted(request), initial=initial, prefix="cred") if therapist else None
    if request.method == "POST" and form.is_valid() and (credentials is None or credentials.is_valid()):
        user.full_name = form.cleaned_data["full_name"]
        user.time_zone = form.cleaned_data["time_zone"]
        user.save(update_fields=["full_name", "time_zone"])
        if credentials is not None:
            practitioner_profile_save(membership=therapist, **credentials.cleaned_data)
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    errors = form.errors or (credentials is not None and credentials.errors)
    return render(request, "practice/profile.html", {"form": form, "credentials": credentials},
                  status=400 if errors else 200)
