"""Create (or refresh) the demo practice; the content is practice.demo.seed."""

from django.core.management.base import BaseCommand

from practice.demo.seed import logins, seed


class Command(BaseCommand):
    help = "Create the demo practice with staff, clients and sessions (idempotent)."

    def handle(self, *args, **options):
        practice = seed()
        # Printed after the commit, so an interrupted terminal cannot roll the seed back.
        self.stdout.write(self.style.SUCCESS(f"Demo practice ready: {practice.name}"))
        for line in logins():
            self.stdout.write(line)
