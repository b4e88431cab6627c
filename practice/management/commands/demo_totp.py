"""Print a demo user's current TOTP code, so the demo can be used without a phone."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from practice.models import User


def current_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo_totp only runs with DEBUG on (never in production).")
        user = User.objects.filter(email__iexact=email).first()
        if user is None or not user.is_demo:
            raise CommandError(f"Refused: {email} is not a demo user.")
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            raise CommandError(f"{email} has no authenticator.")
        self.stdout.write(current_code(user))
