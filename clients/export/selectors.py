"""Reads of records copies."""

from __future__ import annotations

from clients.caseload.models import Client
from clients.export.models import RecordsExport


def latest_export(client: Client) -> RecordsExport | None:
    return RecordsExport.objects.filter(client=client).order_by("-requested_at").first()
