"""Writes about clients: stage changes and caseload assignment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from practice.models import Membership
from practice.roles import Role

from .models import CaseloadAssignment, Client, Stage


def client_set_stage(*, client: Client, stage: str) -> Client:
    if stage not in Stage.values:
        raise ValidationError("Unknown stage.")
    client.stage = stage
    client.save(update_fields=["stage"])
    return client


@transaction.atomic
def caseload_assign(*, client: Client, therapist: Membership) -> CaseloadAssignment:
    if therapist.role != Role.THERAPIST or therapist.practice_id != client.practice_id:
        raise ValidationError("Clients can only be assigned to a therapist of their own practice.")
    assignment, _ = CaseloadAssignment.objects.get_or_create(
        practice_id=client.practice_id, therapist=therapist, client=client, ended_at=None
    )
    return assignment
