"""Print a demo user's current TOTP code (development only; practice.demo.totp)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from practice.demo.totp import current_code
from practice.tenancy.models import User


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
