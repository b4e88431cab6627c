"""People, practices and who may see whom: the tenancy of the app."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from practice.roles import Role
from practice.timezones import validate_time_zone
from practice.timing import TIMING


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can log in. What they may see comes from their Memberships."""

    # Stored lower-cased (the manager and invitations normalise), unique either way.
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone],
        help_text="Times are shown to you in this zone (IANA name, e.g. Europe/Berlin).",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the Django admin (superusers only).")
    is_demo = models.BooleanField(default=False, editable=False, help_text="Created by seed_demo.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# How long before a session its reminder may go: a practice chooses (default: TIMING's).
REMINDER_LEADS = [(2, "2 hours before"), (6, "6 hours before"), (12, "12 hours before"), (24, "A day before"),
                  (48, "Two days before"), (72, "Three days before")]


class Practice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    created_at = models.DateTimeField(default=timezone.now)
    accountability_contact = models.ForeignKey(
        "Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Receives client concerns with the practitioner's supervisors. Unset: the practice admins do.")
    preparation_items = models.TextField(
        blank=True, max_length=3000,
        help_text="The practice's own items for every client's preparation list, one per line.")
    reminder_lead_hours = models.PositiveSmallIntegerField(
        default=int(TIMING.reminder_before.total_seconds() // 3600), choices=REMINDER_LEADS,
        help_text="How long before each session the client's reminder is sent (moved out of the quiet hours).")
    emergency_number = models.CharField(
        max_length=30, default="911",
        help_text="The number for an ambulance where the practice works (911, 112, 999...): shown as a "
                  "tap-to-call link beside an emergency sign in the live session log.")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(reminder_lead_hours__in=[h for h, _ in REMINDER_LEADS]),
                                              name="practice_reminder_lead_valid")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's one role in one practice. A user may be a member of several practices."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="membership_one_per_practice"),
            # Target of the composite foreign keys below (same-practice guarantees).
            models.UniqueConstraint(fields=["practice", "id"], name="membership_practice_id"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]
        # The practice's staff without reading its clients' memberships (the team and log filters).
        indexes = [models.Index(fields=["practice", "role"], condition=~models.Q(role="client"), name="membership_staff")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    @property
    def is_staff_role(self) -> bool:
        return self.role != Role.CLIENT


class SupervisionLink(models.Model):
    """A supervisor reviews a therapist's records, read-only. Ended links are kept."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT)
    supervisor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="supervisees")
    therapist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="supervisors")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "therapist"], condition=models.Q(ended_at__isnull=True),
                name="supervision_one_active",
            ),
            models.CheckConstraint(condition=~models.Q(supervisor=models.F("therapist")), name="supervision_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor.user} supervises {self.therapist.user}"


class Invitation(models.Model):
    """An emailed, single-use, expiring link to join a practice in a role.

    Only a SHA-256 of the token is stored, so a database reader cannot accept it.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    # None: issued by the system operator (create_practice), not by a member.
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # For client invitations: the therapist whose caseload the client joins.
    therapist = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="client") | models.Q(therapist__isnull=False),
                name="invitation_client_has_therapist",
            ),
            # One open invitation per address (services.issue_invitation replaces the earlier one).
            models.UniqueConstraint(Lower("email"), "practice", name="invitation_one_open_per_email",
                                    condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_role_display()}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class PractitionerProfile(models.Model):
    """What clients are told about a practitioner: licence (or none, with a scope of care),
    ethics statement, and whether an admin verified the licence. [Manual: Accreditation and
    Safety; Accountability]"""

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Not yet verified by the practice"
        VERIFIED = "verified", "Verified by the practice"
        FAILED = "failed", "The practice could not verify it"

    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="profile")
    credentials = models.TextField(max_length=2000, blank=True,
                                   help_text="Training and qualifications, e.g. 'MDMA-assisted therapy training, 2024'.")
    licence_type = models.CharField(max_length=120, blank=True)
    licence_number = models.CharField(max_length=60, blank=True)
    licence_board = models.CharField(max_length=200, blank=True)
    licence_jurisdiction = models.CharField(max_length=120, blank=True)
    unlicensed = models.BooleanField(default=False)
    scope_of_care = models.TextField(max_length=3000, blank=True)
    ethics_statement = models.TextField(max_length=5000, blank=True)
    verification = models.CharField(max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Profile of {self.membership.user}"

    @property
    def licence_line(self) -> str:
        if self.unlicensed:
            return "Not licensed. Scope of care: " + (self.scope_of_care.strip() or "not stated")
        if not self.licence_type:
            return "No licence recorded"
        return (f"{self.licence_type}, no. {self.licence_number}, issued by {self.licence_board} "
                f"({self.licence_jurisdiction})")
