"""Writes about practice membership and supervision."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Membership, PractitionerProfile, SupervisionLink
from .roles import Role


@transaction.atomic
def supervision_link(*, supervisor: Membership, therapist: Membership) -> SupervisionLink:
    if supervisor.role != Role.SUPERVISOR or therapist.role != Role.THERAPIST:
        raise ValidationError("A supervision link joins a supervisor to a therapist.")
    if supervisor.practice_id != therapist.practice_id:
        raise ValidationError("Supervisor and therapist must belong to the same practice.")
    link, _ = SupervisionLink.objects.get_or_create(
        practice_id=supervisor.practice_id, supervisor=supervisor, therapist=therapist, ended_at=None
    )
    return link


@transaction.atomic
def practitioner_profile_save(*, membership: Membership, credentials: str) -> PractitionerProfile:
    """A therapist's own credentials, as clients see them (later consent texts use the new ones)."""
    from django.utils import timezone

    profile, _ = PractitionerProfile.objects.get_or_create(membership=membership)
    profile.credentials = credentials.strip()
    profile.updated_at = timezone.now()
    profile.save(update_fields=["credentials", "updated_at"])
    return profile
