"""`{% new_token %}`: a fresh one-time token for a form rendered in a loop (a double tap, or a
resend after the connection returns, then records once)."""

import uuid

from django import template

register = template.Library()


@register.simple_tag
def new_token() -> str:
    return str(uuid.uuid4())
