"""Reads for lists: screening status for a page of clients in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from .models import CautionAcknowledgement, ScreeningReview
from .services import review_status


def attach_screening_status(clients) -> list:
    """Set `.screening_status` on each client: two queries whatever the number of clients."""
    clients = list(clients)
    ids = [c.pk for c in clients]
    latest = {
        r.client_id: r
        for r in ScreeningReview.objects.filter(client_id__in=ids).order_by("client_id", "-created_at", "-id")
        .distinct("client_id")
    }
    acks = defaultdict(list)
    for a in CautionAcknowledgement.objects.filter(client_id__in=ids).only("client_id", "flag_key", "flag_digest"):
        acks[a.client_id].append(a)
    for c in clients:
        c.screening_status = review_status(latest.get(c.pk), acks[c.pk])
    return clients


def dose_for(review):
    """The standard dose plan for the mass, age and flags of a stored review (None if unknown)."""
    from .dosing import standard_dose
    from .rules import Flag, age_on

    intake = review.intake if review else None
    if intake is None or not intake.body_mass_kg or not intake.date_of_birth:
        return None
    flags = [Flag(f["tier"], f["code"], f["reason"], f["section"]) for f in review.flags]
    return standard_dose(mass_kg=intake.body_mass_kg, age=age_on(intake.date_of_birth, review.as_of), flags=flags)
