"""Phone numbers people can tap: `tel_links` turns the numbers in free text (a crisis plan's
"people to notify") into tel: links, `tel_href` makes one number dialable. Nothing dials."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# At least six digits, optionally starting with +, with spaces, dots, dashes or brackets between.
NUMBER = re.compile(r"\+?\(?\d[\d\s().-]{4,}\d")


@register.filter
def tel_href(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", str(number))
    return "tel:" + (digits[0] + digits[1:].replace("+", "") if digits else "")


@register.filter(needs_autoescape=False)
def tel_links(text: str) -> SafeString:
    """The text, escaped, with every phone number in it a tap-to-call link."""
    text = str(text or "")
    out, last = [], 0
    for match in NUMBER.finditer(text):
        if len(re.sub(r"\D", "", match.group())) < 6:
            continue
        out.append(escape(text[last:match.start()]))
        out.append(format_html('<a href="{}">{}</a>', tel_href(match.group()), match.group().strip()))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece above is escaped or built by format_html)
