"""Practice-level pages: home routing, practice choice, team admin, supervision, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from clients.caseload.services import caseload_assign
from clients.invitations.services import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
)
from clients.models import Client
from practice.middleware import PRACTICE_SESSION_KEY
from practice.posted import posted
from practice.roles import Role
from practice.team.forms import (
    AcceptInvitationForm,
    AccountabilityContactForm,
    AssignClientForm,
    StaffInvitationForm,
    SupervisionLinkForm,
    VerificationForm,
)
from practice.tenancy.models import Invitation, Membership, PractitionerProfile, User
from practice.tenancy.services import member_set_active, practitioner_verify, supervision_link
from sessions.reminders.services import reminders_follow_lead

MEMBER_FILTERS = [("staff", "Staff"), ("clients", "Clients"), ("inactive", "Deactivated"), ("all", "Everyone")] + [
    (role, f"{label}s") for role, label in Role.choices]


@access.member_required(Role.ADMIN)
def team(request: HttpRequest) -> HttpResponse:
    """Members (staff first; clients, the deactivated or one role on request) and invitations,
    the newest per address."""
    _members, assign_form, link_form = _team_forms(request.membership)
    shown = request.GET.get("show") if request.GET.get("show") in dict(MEMBER_FILTERS) else "staff"
    members = Membership.objects.filter(practice_id=request.membership.practice_id).select_related("user")
    members = {"staff": members.filter(is_active=True).exclude(role=Role.CLIENT),
               "clients": members.filter(is_active=True, role=Role.CLIENT),
               "inactive": members.filter(is_active=False), "all": members}.get(
        shown, members.filter(is_active=True, role=shown)).order_by("role", "user__full_name")
    newest: dict = {}
    for inv in (Invitation.objects.filter(practice_id=request.membership.practice_id).select_related("invited_by")
                .order_by("-created_at")[:500]):
        key = inv.email.lower()
        if key in newest:
            newest[key].times += 1
        else:
            inv.times = 1
            newest[key] = inv
    return render(request, "practice/team.html", {
        "members": members[:500], "invitations": list(newest.values())[:200], "assign_form": assign_form,
        "link_form": link_form, "filters": MEMBER_FILTERS, "shown": shown,
    })


@access.member_required(Role.ADMIN)
@require_POST
def member_active(request: HttpRequest, member_id) -> HttpResponse:
    member = access.get_practice_member(request, member_id, inactive_too=True)
    active = request.POST.get("active") == "yes"
    try:
        member_set_active(by=request.membership, member=member, active=active)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{member.user} can use the practice again." if active else
                         f"{member.user} is deactivated: their records stay, their access ended now.")
    return redirect(f"{reverse('team')}?show={'all' if active else 'inactive'}")


@access.member_required(Role.ADMIN, Role.THERAPIST)
@require_POST
def resend_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        with transaction.atomic():
            new = invitation_resend(by=request.membership, invitation_id=invitation_id)
            invitation_send(new)
    except InvitationError as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, f"A new invitation link was sent to {new.invitation.email}; the earlier link no longer "
                              "works.")
    return redirect("team" if request.membership.role == Role.ADMIN else "caseload")


@access.member_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def invite_staff(request: HttpRequest) -> HttpResponse:
    form = StaffInvitationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                new = invitation_create(inviter=request.membership, **form.cleaned_data)
                invitation_send(new)
        except InvitationError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {new.invitation.email}.")
            return redirect("team")
    return render(request, "practice/invite_staff.html", {"form": form}, status=400 if form.errors else 200)


@access.member_required(Role.ADMIN)
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    get_object_or_404(Invitation, practice_id=request.membership.practice_id, pk=invitation_id)
    invitation_revoke(practice=request.membership.practice, invitation_id=invitation_id)
    messages.success(request, "Invitation withdrawn.")
    return redirect("team")


@access.member_required(Role.ADMIN)
@require_POST
def assign_client(request: HttpRequest) -> HttpResponse:
    _, form, _ = _team_forms(request.membership, request.POST)
    if form.is_valid():
        client = get_object_or_404(Client, practice_id=request.membership.practice_id, pk=form.cleaned_data["client"])
        therapist = access.get_practice_member(request, form.cleaned_data["therapist"], roles=[Role.THERAPIST])
        caseload_assign(client=client, therapist=therapist)
        messages.success(request, f"{client} is on {therapist.user}'s caseload.")
    else:
        messages.error(request, "Choose both a client and a therapist.")
    return redirect("team")


@access.member_required(Role.ADMIN)
@require_POST
def link_supervisor(request: HttpRequest) -> HttpResponse:
    _, _, form = _team_forms(request.membership, request.POST)
    if form.is_valid():
        supervisor = access.get_practice_member(request, form.cleaned_data["supervisor"], roles=[Role.SUPERVISOR])
        therapist = access.get_practice_member(request, form.cleaned_data["therapist"], roles=[Role.THERAPIST])
        try:
            supervision_link(supervisor=supervisor, therapist=therapist)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"{supervisor.user} now supervises {therapist.user}.")
    else:
        messages.error(request, "Choose both a supervisor and a therapist.")
    return redirect("team")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationError as exc:
        return render(request, "practice/invitation_invalid.html", {"reason": str(exc)}, status=410)
    user = request.user if request.user.is_authenticated else None
    form = None
    if user is None and not _account_exists(invitation.email):
        form = AcceptInvitationForm(posted(request), email=invitation.email, initial={
            "full_name": invitation.full_name, "time_zone": invitation.practice.time_zone})
        if not form.is_bound:  # a default, which the browser's zone may replace (static/js/zone.js)
            form.fields["time_zone"].widget.attrs["data-browser-zone"] = ""
    if request.method == "POST" and (form is None or form.is_valid()) and (user or form):
        fields = {} if form is None else {
            "full_name": form.cleaned_data["full_name"], "password": form.cleaned_data["password1"],
            "time_zone": form.cleaned_data["time_zone"],
        }
        try:
            membership = invitation_accept(token=token, user=user, **fields)
        except InvitationError as exc:
            return render(request, "practice/invitation_invalid.html", {"reason": str(exc)}, status=409)
        if user is None:
            login(request, membership.user, backend="allauth.account.auth_backends.AuthenticationBackend")
        request.session[PRACTICE_SESSION_KEY] = str(membership.practice_id)
        messages.success(request, f"Welcome to {membership.practice}.")
        return redirect("home")
    status = 400 if form is not None and form.errors else 200
    return render(request, "practice/accept_invitation.html", {"invitation": invitation, "form": form}, status=status)


def _account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@access.member_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def practitioners(request: HttpRequest) -> HttpResponse:
    """Admins verify practitioners' licences and name the accountability contact."""
    practice = request.membership.practice
    staff = list(Membership.objects.filter(practice=practice, is_active=True).exclude(role=Role.CLIENT)
                 .select_related("user", "profile__verified_by__user").order_by("user__full_name"))
    contact = AccountabilityContactForm(staff=staff, prefix="acc", initial={
        "contact": str(practice.accountability_contact_id or ""), "emergency_number": practice.emergency_number,
        "preparation_items": practice.preparation_items, "reminder_lead_hours": practice.reminder_lead_hours})
    if request.method == "POST" and "acc-contact" in request.POST:
        contact = AccountabilityContactForm(request.POST, staff=staff, prefix="acc")
        if contact.is_valid():
            type(practice).objects.filter(pk=practice.pk).update(
                accountability_contact_id=contact.cleaned_data["contact"] or None,
                emergency_number=contact.cleaned_data["emergency_number"].strip() or practice.emergency_number,
                preparation_items=contact.cleaned_data["preparation_items"].strip(),
                reminder_lead_hours=contact.cleaned_data["reminder_lead_hours"] or practice.reminder_lead_hours)
            if contact.cleaned_data["reminder_lead_hours"] not in (None, practice.reminder_lead_hours):
                practice.refresh_from_db()
                reminders_follow_lead(practice)
            messages.success(request, "Saved.")
            return redirect("practitioners")
    elif request.method == "POST":
        form = VerificationForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a verification status.")
            return redirect("practitioners")
        member = access.get_practice_member(request, form.cleaned_data["member"], roles=[Role.THERAPIST])
        profile = PractitionerProfile.objects.filter(membership=member).first()
        if profile is None:
            messages.error(request, f"{member.user} has not filled in a profile yet.")
        else:
            practitioner_verify(by=request.membership, profile=profile, verification=form.cleaned_data["verification"])
            messages.success(request, f"Verification of {member.user} saved.")
        return redirect("practitioners")
    therapists = [m for m in staff if m.role == Role.THERAPIST]
    return render(request, "practice/practitioners.html", {
        "therapists": therapists, "contact": contact, "choices": PractitionerProfile.Verification.choices})


def _team_forms(membership: Membership, data=None):
    members = (
        Membership.objects.filter(practice_id=membership.practice_id, is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    therapists = [m for m in members if m.role == Role.THERAPIST]
    supervisors = [m for m in members if m.role == Role.SUPERVISOR]
    clients = Client.objects.filter(practice_id=membership.practice_id).select_related("membership__user")
    return (
        list(members),
        AssignClientForm(data, clients=clients, therapists=therapists, prefix="assign"),
        SupervisionLinkForm(data, supervisors=supervisors, therapists=therapists, prefix="link"),
    )
