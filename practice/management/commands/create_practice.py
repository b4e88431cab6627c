"""Create a practice and invite its first admin (how a new practice starts in production)."""

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from clients.invitations.services import NewInvitation, invitation_send, issue_invitation
from practice.roles import Role
from practice.tenancy.models import Practice
from practice.timezones import validate_time_zone


class Command(BaseCommand):
    help = "Create a practice and email its first admin an invitation."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("admin_email")
        parser.add_argument("--time-zone", default="UTC")

    @transaction.atomic
    def handle(self, *args, name, admin_email, time_zone, **options):
        try:
            validate_email(admin_email)
            validate_time_zone(time_zone)
        except Exception as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        if Practice.objects.filter(name__iexact=name).exists():
            raise CommandError(f"A practice named {name!r} already exists.")
        practice = Practice.objects.create(name=name, time_zone=time_zone)
        new: NewInvitation = issue_invitation(practice=practice, email=admin_email, role=Role.ADMIN, invited_by=None)
        transaction.on_commit(lambda: invitation_send(new))
        self.stdout.write(f"Created {practice.name}; invitation emailed to {new.invitation.email}.")
