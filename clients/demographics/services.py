"""Writes of the demographic answers: each save a new version."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from clients.caseload.models import Client
from clients.demographics.models import DemographicAnswers


@transaction.atomic
def answers_save(*, client: Client, by, definition: dict, answers: dict, opted_out: bool) -> DemographicAnswers:
    """Keep only answers the form offers (an unknown key is dropped, never stored)."""
    Client.objects.select_for_update().filter(pk=client.pk).first()  # one numbering at a time per client
    offered = {item["key"]: {o["key"] for o in item["options"]} for item in definition["items"]}
    kept = {}
    for key, value in answers.items():
        if key not in offered or not value:
            continue
        values = value if isinstance(value, list) else [value]
        values = [v for v in values if v in offered[key]]
        if values:
            kept[key] = values if isinstance(value, list) else values[0]
    last = DemographicAnswers.objects.filter(client=client, program=definition["key"]).aggregate(n=Max("number"))["n"]
    return DemographicAnswers.objects.create(client=client, program=definition["key"], form_version=definition["version"],
                                             number=(last or 0) + 1, answers=kept, opted_out=opted_out, submitted_by=by)
