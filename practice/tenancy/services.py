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


@transaction.atomic
def member_set_active(*, by: Membership, member: Membership, active: bool) -> Membership:
    """Deactivate a member who leaves (or undo it). Their records and audit history stay; from
    their next request they reach nothing of this practice, and a person with no other active
    membership cannot log in at all (their open sessions end with it)."""
    if by.role != Role.ADMIN or member.practice_id != by.practice_id:
        raise PermissionDenied("Only the practice's admins change who is a member.")
    if member.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself; ask another admin.")
    # Lock the admins' rows: two admins deactivating each other at once cannot leave none.
    list(Membership.objects.select_for_update().filter(practice_id=by.practice_id, role=Role.ADMIN).values_list("pk"))
    if not active and member.role == Role.ADMIN and not Membership.objects.filter(
            practice_id=by.practice_id, role=Role.ADMIN, is_active=True).exclude(pk=member.pk).exists():
        raise ValidationError("A practice keeps at least one active admin.")
    Membership.objects.filter(pk=member.pk).update(is_active=active)
    user = member.user
    elsewhere = Membership.objects.filter(user=user, is_active=True).exclude(pk=member.pk).exists()
    if active and not user.is_active:
        type(user).objects.filter(pk=user.pk).update(is_active=True)
    elif not active and not elsewhere:
        # An inactive user is no longer authenticated on any request: every open session ends.
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    member.refresh_from_db()
    return member
