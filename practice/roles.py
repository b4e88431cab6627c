"""Roles a member can hold in a practice, and what each may do."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Practice admin"
    THERAPIST = "therapist", "Therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    CLIENT = "client", "Client"


STAFF_ROLES = frozenset({Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR})

# Who may invite whom. Admins bring in staff; therapists bring in their own clients.
INVITABLE_BY = {
    Role.ADMIN: frozenset({Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR}),
    Role.THERAPIST: frozenset({Role.CLIENT}),
}


def can_invite(inviter_role: str, invitee_role: str) -> bool:
    return invitee_role in INVITABLE_BY.get(inviter_role, frozenset())
