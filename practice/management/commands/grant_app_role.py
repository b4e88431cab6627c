"""Grant the app's database role what it needs and no more (see practice/dbroles.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from practice.dbroles import grant_statements, problems


class Command(BaseCommand):
    help = "Run as the tables' owner after each migrate: grants the app role its privileges."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the web and Celery processes connect as")
        parser.add_argument("--sql", action="store_true", help="print the statements instead of running them")

    def handle(self, role, sql=False, **options):
        with connection.cursor() as cursor:
            statements = grant_statements(role)
            if sql:
                for statement in statements:
                    self.stdout.write(statement.as_string(cursor.connection) + ";")
                return
            found = problems(cursor, role)
            if found:
                raise CommandError(f"{role} cannot be the app role: " + "; ".join(found) + ".")
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(statement)
        self.stdout.write(f"Granted {role} the app's privileges (audit tables: read and insert only).")
