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

from .clientip import client_ip
from .roles import Role

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
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)  # records never sit in a cache
        membership = getattr(request, "membership", None)
        if request.audit_clients and membership is not None and membership.role in STAFF and response.status_code < 400:
            from .audit import AccessEvent

            try:
                view = resolve(request.path_info).url_name or ""
            except Exception:  # noqa: BLE001 (a path that does not resolve still gets its row)
                view = ""
            AccessEvent.objects.create(
                practice_id=membership.practice_id, actor_id=request.user.pk, role=membership.role,
                clients=sorted(request.audit_clients, key=str), kind=_kind(response), view=view,
                path=request.path[:300], ip=client_ip(request) or "", request_id=request.audit_id)
        return response
