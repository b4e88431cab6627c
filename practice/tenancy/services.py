"""Writes of tenancy: supervision links and practitioner profiles (with their verification)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from practice.roles import Role
from practice.tenancy.models import Membership, PractitionerProfile, SupervisionLink


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


LICENCE_FIELDS = ("unlicensed", "licence_type", "licence_number", "licence_board", "licence_jurisdiction")
PROFILE_FIELDS = ("credentials", *LICENCE_FIELDS, "scope_of_care", "ethics_statement")


@transaction.atomic
def practitioner_profile_save(*, membership: Membership, **values) -> PractitionerProfile:
    """A therapist's own profile, as clients see it (later consent texts use the new one). A
    changed licence goes back to "not yet verified" until an admin checks it again."""
    from django.utils import timezone

    profile, _ = PractitionerProfile.objects.get_or_create(membership=membership)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in PROFILE_FIELDS}
    if any(getattr(profile, k) != clean[k] for k in LICENCE_FIELDS if k in clean):
        profile.verification, profile.verified_at, profile.verified_by = (
            PractitionerProfile.Verification.UNVERIFIED, None, None)
    for k, v in clean.items():
        setattr(profile, k, v)
    profile.updated_at = timezone.now()
    profile.save()
    return profile


def practitioner_verify(*, by: Membership, profile: PractitionerProfile, verification: str) -> PractitionerProfile:
    from django.utils import timezone

    if by.role != Role.ADMIN or by.practice_id != profile.membership.practice_id:
        raise PermissionDenied("Only the practice's admins verify licences.")
    profile.verification = verification
    profile.verified_at, profile.verified_by = timezone.now(), by
    profile.save(update_fields=["verification", "verified_at", "verified_by"])
    return profile
