"""One function per email. Emails carry no clinical content, only names and links."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Invitation


def _send(to: str, template: str, context: dict) -> None:
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_invitation(invitation: Invitation, *, accept_url: str) -> None:
    _send(
        invitation.email,
        "invitation",
        {
            "practice": invitation.practice.name,
            "inviter": str(invitation.invited_by) if invitation.invited_by else "The practice team",
            "role": invitation.get_role_display(),
            "is_client": invitation.role == "client",
            "accept_url": accept_url,
            "expires_at": invitation.expires_at,
        },
    )
