"""Error pages that need neither the database nor a template context.

When PostgreSQL is unreachable every page would fail; instead of a 500 the visitor gets a
503 that says nothing was half-saved (every write is one transaction) and to retry. With
health-checked persistent connections the site recovers by itself when the database is back.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from practice.crisis import CRISIS

log = logging.getLogger(__name__)


def server_error(request) -> HttpResponse:
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        log.warning("database unavailable (%s): 503", type(exc).__name__)
        response = HttpResponse(render_to_string("503.html", {"crisis_lines": CRISIS}), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
