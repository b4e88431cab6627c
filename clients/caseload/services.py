"""Writes about clients on a caseload: stage changes, assignment, and the attention alert to
their therapists."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.caseload import emails
from clients.caseload.models import CaseloadAssignment, Client, Stage
from practice.models import Membership
from practice.roles import Role


def client_set_stage(*, client: Client, stage: str) -> Client:
    if stage not in Stage.values:
        raise ValidationError("Unknown stage.")
    client.stage = stage
    client.stage_confirmed_at = timezone.now()  # also when kept: a suggestion is answered either way
    client.save(update_fields=["stage", "stage_confirmed_at"])
    return client


@transaction.atomic
def caseload_assign(*, client: Client, therapist: Membership) -> CaseloadAssignment:
    if therapist.role != Role.THERAPIST or therapist.practice_id != client.practice_id:
        raise ValidationError("Clients can only be assigned to a therapist of their own practice.")
    assignment, _ = CaseloadAssignment.objects.get_or_create(
        practice_id=client.practice_id, therapist=therapist, client=client, ended_at=None
    )
    return assignment


def notify_therapists(client) -> int:
    """Tell the client's therapists that something needs their attention today; no content."""
    therapists = [a.therapist.user for a in CaseloadAssignment.objects.filter(
        client=client, ended_at__isnull=True).select_related("therapist__user")]
    for user in therapists:
        emails.attention(user, client).send()
    return len(therapists)
