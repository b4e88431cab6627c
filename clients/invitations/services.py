"""Invitations: the only way into a practice (there is no open sign-up).

An admin invites staff; a therapist invites clients onto their own caseload. The email
carries a random token; only its SHA-256 is stored. Accepting is single-use: the row is
locked while it is accepted, so two clicks cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from clients.caseload.models import CaseloadAssignment, Client
from clients.invitations import emails
from practice.models import Invitation, Membership, Practice, User
from practice.roles import Role, can_invite
from practice.timing import TIMING


class InvitationError(Exception):
    """A reason, fit to show the person, why an invitation cannot be used."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once, in the email; never stored


def invitation_create(
    *, inviter: Membership, email: str, role: str, full_name: str = "", therapist: Membership | None = None
) -> NewInvitation:
    if not can_invite(inviter.role, role):
        raise InvitationError("Your role cannot invite this kind of member.")
    if role == Role.CLIENT:
        therapist = therapist or inviter
        if therapist.role != Role.THERAPIST or therapist.practice_id != inviter.practice_id:
            raise InvitationError("A client must join the caseload of a therapist of this practice.")
    return issue_invitation(
        practice=inviter.practice, email=email, role=role, invited_by=inviter.user, full_name=full_name,
        therapist=therapist if role == Role.CLIENT else None,
    )


def issue_invitation(*, practice: Practice, email: str, role: str, invited_by: User | None, full_name: str = "",
                     therapist: Membership | None = None) -> NewInvitation:
    """Write the invitation row; the caller has checked who may invite whom."""
    email = email.strip().lower()
    if Membership.objects.filter(practice=practice, user__email__iexact=email).exists():
        raise InvitationError("This person is already a member of the practice.")
    # One open invitation per address: a new one (or one sent again) replaces the earlier ones.
    Invitation.objects.filter(practice=practice, email__iexact=email, accepted_at__isnull=True,
                              revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        practice=practice,
        email=email,
        full_name=full_name.strip(),
        role=role,
        invited_by=invited_by,
        therapist=therapist,
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=TIMING.invitation_valid_days),
    )
    return NewInvitation(invitation, token)


@transaction.atomic
def invitation_resend(*, by: Membership, invitation_id: int) -> NewInvitation:
    """A fresh link for an invitation not accepted yet (the old link stops working): admins for
    any, a therapist for the clients they invited. The caller sends it."""
    invitation = (Invitation.objects.select_for_update().filter(practice_id=by.practice_id, pk=invitation_id,
                                                                accepted_at__isnull=True).first())
    if invitation is None or not (by.role == Role.ADMIN or (by.role == Role.THERAPIST and invitation.therapist_id == by.pk)):
        raise InvitationError("There is no such invitation to send again.")
    return issue_invitation(practice=by.practice, email=invitation.email, role=invitation.role, invited_by=by.user,
                            full_name=invitation.full_name, therapist=invitation.therapist)


def invitation_send(new: NewInvitation) -> None:
    emails.invitation(new.invitation, token=new.token).send()


def invitation_revoke(*, practice: Practice, invitation_id: int) -> None:
    Invitation.objects.filter(
        practice=practice, pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation for `token`, or InvitationError saying why not."""
    invitation = Invitation.objects.select_related("practice", "invited_by").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check that you used the whole link from the email.")
    state = invitation.state()
    if state == "accepted":
        raise InvitationError("This invitation has already been used. Log in with the account it created.")
    if state == "revoked":
        raise InvitationError("This invitation was withdrawn by the practice.")
    if state == "expired":
        raise InvitationError("This invitation has expired. Ask the practice to send you a new one.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, full_name: str = "", password: str = "",
                      time_zone: str = "UTC") -> Membership:
    """Join the practice. With no `user`, an account is created with `password`."""
    invitation = invitation_for_token(token)
    # Lock the row, then re-check: a concurrent acceptance sees accepted_at set.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state() != "pending":
        raise InvitationError("This invitation has already been used.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError("An account with this email already exists. Log in first, then open the link again.")
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name.strip() or invitation.full_name, time_zone=time_zone
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError("This invitation was sent to a different email address than the one you are logged in with.")
    # The invitation reached this address, which verifies it.
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    if Membership.objects.filter(user=user, practice_id=invitation.practice_id).exists():
        raise InvitationError("You are already a member of this practice.")
    membership = Membership.objects.create(user=user, practice_id=invitation.practice_id, role=invitation.role)
    if invitation.role == Role.CLIENT:
        client = Client.objects.create(practice_id=invitation.practice_id, membership=membership)
        CaseloadAssignment.objects.create(
            practice_id=invitation.practice_id, therapist=invitation.therapist, client=client
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
