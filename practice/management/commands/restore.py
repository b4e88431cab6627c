from django.core.management.base import BaseCommand, CommandError

from practice.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the configured database's contents with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("This replaces every record in the database with the backup's. Type 'restore' to go on: ")
            if answer.strip() != "restore":
                raise CommandError("Nothing restored.")
        try:
            restore(options["path"])
        except BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from None
        self.stdout.write(self.style.SUCCESS("Restored. Stop web and workers before a restore and start them after."))
