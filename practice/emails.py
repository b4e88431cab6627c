"""How every email is made: subject, text and HTML templates, an absolute link, no clinical content.

Each capability keeps one function per email in its own `emails.py` (invitations, caseload
alerts, check-ins, surveys, concerns) and builds it with `compose`. Links come from
`reverse()`, never typed paths.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from practice.timing import TIMING


def link(name: str, *args) -> str:
    """The absolute URL of a named page, for an email."""
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def compose(to: str, template: str, context: dict, headers: dict | None = None) -> EmailMultiAlternatives:
    """The email from templates/emails/<template>_subject.txt, <template>.txt and <template>.html."""
    context = {"timing": TIMING, **context}
    message = EmailMultiAlternatives(render_to_string(f"emails/{template}_subject.txt", context).strip(),
                                     render_to_string(f"emails/{template}.txt", context), to=[to],
                                     headers=headers or {})
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message
