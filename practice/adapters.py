"""allauth adapters: no open sign-up, staff keep their second factor, secrets encrypted."""

from __future__ import annotations

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied

from practice.clientip import client_ip
from practice.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join only through an invitation (clients/invitations.py).
        return False

    def get_client_ip(self, request) -> str:
        # Login rate limits key on the same address as the audit trail (practice/clientip.py).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address.")
        return ip


def _fernet() -> Fernet:
    key = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        # TOTP secrets at rest are encrypted, so a database dump alone can't mint codes.
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator) -> bool:
        # MFA is mandatory for staff: they may replace an authenticator, not remove it.
        user = authenticator.user
        is_staff = user.is_superuser or user.memberships.filter(is_active=True).exclude(role=Role.CLIENT).exists()
        return not is_staff
