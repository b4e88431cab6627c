from django.core.management.base import BaseCommand, CommandError

from practice.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the configured database (pg_dump, custom format) to a file readable only by its owner."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: var/backups/practice-<UTC time>.dump).")

    def handle(self, *args, **options):
        try:
            path = backup(options.get("output"))
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
