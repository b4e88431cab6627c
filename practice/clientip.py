"""The client's address, one rule for the audit trail, consent records and login rate limits.

Behind `TRUSTED_PROXY_COUNT` proxies (load balancers that each append the address they saw to
X-Forwarded-For), the client is the entry that the outermost trusted proxy appended: the
n-th from the right. Entries left of it were written by the client and are never believed.
With no trusted proxy (the default), X-Forwarded-For is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

log = logging.getLogger(__name__)
_warned = False


def _clean(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = forwarded.split(",")
        # Fewer entries than trusted proxies: every entry there was written by one of ours.
        return _clean(hops[-count] if len(hops) >= count else hops[0])
    if forwarded and not settings.DEBUG:
        _warn_once()
    return _clean(request.META.get("REMOTE_ADDR"))


def _warn_once() -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning("Requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: behind a proxy every client "
                    "shares its address, for login rate limits too. Set TRUSTED_PROXY_COUNT.")
