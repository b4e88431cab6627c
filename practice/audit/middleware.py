"""The audit middleware: sets the audit context before the view, and after it writes one
AccessEvent for every client the response showed (or a refused attempt), so logging costs at
most one write per request and nothing per row."""

from __future__ import annotations

import uuid

from django.urls import resolve
from django.utils.cache import patch_cache_control

from practice.audit.context import STAFF, log_access, set_actor
from practice.clientip import client_ip


def _kind(response) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return "pdf"
    if content_type.startswith(("text/csv", "application/zip", "application/json")):
        return "export"
    return "view"


class AuditMiddleware:
    """Sets the audit context before the view; writes the access event after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_id = uuid.uuid4()
        request.audit_clients = set()
        user = getattr(request, "user", None)
        set_actor(user_id=user.pk if user is not None and user.is_authenticated else None,
                  request_id=request.audit_id, ip=client_ip(request), path=request.path)
        response = self.get_response(request)
        # Records never sit in a cache: signed-in pages and link pages (a check-in's thank-you page
        # shows the crisis plan) alike. Static files are served before this middleware.
        patch_cache_control(response, no_store=True, private=True)
        membership = getattr(request, "membership", None)
        if membership is None:
            return response
        searched = getattr(request, "audit_search", False)  # a search is logged even when it found nobody
        if (request.audit_clients or searched) and membership.role in STAFF and response.status_code < 400:
            _log(request, membership, sorted(request.audit_clients, key=str), "search" if searched else _kind(response))
        elif response.status_code in (403, 404):
            _log_refused(request, membership)
        return response


def _view_name(request) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Exception:  # noqa: BLE001 (a path that does not resolve still gets its row)
        return ""


def _log(request, membership, clients, kind, view=None) -> None:
    log_access(request, membership, clients, kind, view=_view_name(request) if view is None else view)


def _log_refused(request, membership) -> None:
    """A refused request for a record (403/404 on a URL naming one) is kept as an attempt, so
    supervisors and admins can see probing. The client is named only when they belong to the
    viewer's practice; another practice's ids are kept in the path alone."""
    try:
        match = resolve(request.path_info)
    except Exception:  # noqa: BLE001 (an unknown path names no record)
        return
    if not any(key.endswith("_id") for key in match.kwargs):
        return
    client_id = match.kwargs.get("client_id")
    # `practice.clients`: the relation, so this base module needs no import of the clients app.
    clients = [client_id] if client_id and membership.practice.clients.filter(pk=client_id).exists() else []
    _log(request, membership, clients, "refused", view=match.url_name or "")
