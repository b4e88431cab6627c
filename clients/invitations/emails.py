"""The invitation email: who invites, to which practice and role, the single-use link and when
it expires."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from practice.emails import compose, link
from practice.tenancy.models import Invitation


def invitation(invitation: Invitation, *, token: str) -> EmailMultiAlternatives:
    return compose(invitation.email, "invitation", {
        "practice": invitation.practice.name,
        "inviter": str(invitation.invited_by) if invitation.invited_by else "The practice team",
        "role": invitation.get_role_display(),
        "is_client": invitation.role == "client",
        "accept_url": link("accept_invitation", token),
        "expires_at": invitation.expires_at,
    })
