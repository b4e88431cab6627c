"""Who did it, from which request: the context the audit trigger records, and the access log.

At the start of every request the middleware tells PostgreSQL who is acting (user id, a
request id, address, path) with `set_config`, which the audit trigger reads; one query, not
a write. Views that show client records note which clients they showed (`access.get_client`
does it for single records, list views call `note_read`); after a successful response the
middleware writes one `AccessEvent` row for all of them, so logging costs at most one write
per request and nothing per row.
"""

from __future__ import annotations

import json
import uuid

from django.db import connection
from django.urls import resolve
from django.utils.cache import patch_cache_control

from practice.clientip import client_ip
from practice.roles import Role

STAFF = {Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR}


def set_actor(*, user_id=None, request_id=None, ip=None, path="") -> None:
    """Tell the audit trigger who acts on this connection from now on (until changed)."""
    context = json.dumps({"user": user_id, "id": str(request_id) if request_id else None, "ip": ip, "path": path[:300]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('practice.request', %s, false)", [context])


def act_as(request, user_id) -> None:
    """A link-based page (no login) acting for the client the signed link belongs to."""
    set_actor(user_id=user_id, request_id=request.audit_id, ip=client_ip(request), path=request.path)


def note_read(request, clients) -> None:
    """Record that this response shows these clients' records (ids or Client objects)."""
    seen = getattr(request, "audit_clients", None)
    if seen is None:
        return  # not a request the middleware tracks (e.g. a test calling a view directly)
    for c in clients:
        seen.add(getattr(c, "pk", c))


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
        if request.audit_clients and membership.role in STAFF and response.status_code < 400:
            _log(request, membership, sorted(request.audit_clients, key=str), _kind(response))
        elif response.status_code in (403, 404):
            _log_refused(request, membership)
        return response


def _view_name(request) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Exception:  # noqa: BLE001 (a path that does not resolve still gets its row)
        return ""


def _log(request, membership, clients, kind, view=None) -> None:
    from practice.audit import AccessEvent

    AccessEvent.objects.create(
        practice_id=membership.practice_id, actor_id=request.user.pk, role=membership.role, clients=clients,
        kind=kind, view=_view_name(request) if view is None else view, path=request.path[:300],
        ip=client_ip(request) or "", request_id=request.audit_id)


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
