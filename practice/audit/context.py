"""Who is acting, for the audit trigger, and which clients a response shows, for the access log.

At the start of every request the middleware (practice.audit.middleware) tells PostgreSQL who is
acting (user id, a request id, address, path) with set_config, which the audit trigger reads;
one query, not a write. Views that show client records note which clients they showed
(access.get_client does it for single records, list views call note_read)."""

from __future__ import annotations

import json

from django.db import connection

from practice.audit.models import AccessEvent
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


def log_access(request, membership, clients, kind, *, view: str, path: str | None = None) -> None:
    """One access-log row. `path` replaces the request's where it carries a secret (a feed link)."""
    AccessEvent.objects.create(
        practice_id=membership.practice_id, actor_id=membership.user_id, role=membership.role,
        clients=sorted(clients, key=str), kind=kind, view=view, path=(request.path if path is None else path)[:300],
        ip=client_ip(request) or "", request_id=getattr(request, "audit_id", None))
