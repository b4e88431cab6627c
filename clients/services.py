"""Writes about clients: stage changes and caseload assignment."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

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


def notify_therapists(client) -> int:
    """Tell the client's therapists that something needs their attention today; no content."""
    therapists = [a.therapist.user for a in CaseloadAssignment.objects.filter(
        client=client, ended_at__isnull=True).select_related("therapist__user")]
    for user in therapists:
        context = {"practice": client.practice.name, "link": f"{settings.SITE_URL}/clients/{client.pk}/"}
        EmailMultiAlternatives(render_to_string("emails/danger_subject.txt", context).strip(),
                               render_to_string("emails/danger.txt", context), to=[user.email]).send()
    return len(therapists)
