"""Small factories for tests: plain functions that write through the ORM."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from clients.models import CaseloadAssignment, Client
from practice.models import Membership, Practice, SupervisionLink, User
from practice.roles import Role
from sessions.models import TherapySession

PASSWORD = "correct-horse-battery-staple-42"
_seq = itertools.count(1)


def practice(name: str = "") -> Practice:
    return Practice.objects.create(name=name or f"Practice {next(_seq)}")


def user(email: str = "", *, mfa: bool = False, password: str | None = None, **fields) -> User:
    email = email or f"user{next(_seq)}@example.test"
    u = User.objects.create_user(email, password, full_name=fields.pop("full_name", email.split("@")[0].title()), **fields)
    if password is None:
        u.set_unusable_password()
        u.save()
    EmailAddress.objects.create(user=u, email=email, verified=True, primary=True)
    if mfa:
        TOTP.activate(u, generate_totp_secret())
    return u


def member(practice: Practice, role: str, *, mfa: bool | None = None, **user_fields) -> Membership:
    mfa = role != Role.CLIENT if mfa is None else mfa
    return Membership.objects.create(user=user(mfa=mfa, **user_fields), practice=practice, role=role)


def client(practice: Practice, therapist: Membership | None = None, **user_fields) -> Client:
    membership = member(practice, Role.CLIENT, **user_fields)
    c = Client.objects.create(practice=practice, membership=membership)
    if therapist is not None:
        CaseloadAssignment.objects.create(practice=practice, therapist=therapist, client=c)
    return c


def supervise(supervisor: Membership, therapist: Membership) -> SupervisionLink:
    return SupervisionLink.objects.create(practice_id=supervisor.practice_id, supervisor=supervisor, therapist=therapist)


def session(c: Client, practitioner: Membership, *, days: float = 7, kind: str = "therapy", status: str = "scheduled"):
    return TherapySession.objects.create(
        client=c, practitioner=practitioner, kind=kind, status=status, scheduled_start=timezone.now() + timedelta(days=days)
    )


def mark_second_factor(session, user: User) -> None:
    """Record in `session` what allauth records after password + authenticator code.

    Tests that call `force_login` stand for a finished login; the real two-step login is
    exercised in tests/test_accounts.py and tests/test_admin_login.py.
    """
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": now, "email": user.email},
                                                   {"method": "mfa", "at": now, "type": "totp"}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def has_totp(u: User) -> bool:
    return Authenticator.objects.filter(user=u, type=Authenticator.Type.TOTP).exists()
