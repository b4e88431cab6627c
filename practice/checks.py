"""Start-up checks: the database is PostgreSQL with the extensions the app needs."""

from __future__ import annotations

from django.core.checks import Error, register
from django.db import connection
from django.db.utils import DatabaseError

EXTENSIONS = ("pg_trgm", "unaccent", "btree_gist")
MIN_VERSION = 160000  # PostgreSQL 16


@register("database")
def postgres_has_what_the_app_needs(app_configs=None, databases=("default",), **kwargs):
    """Run by `manage.py check --database default` and by `migrate`: says what is missing.
    Django runs database checks only when asked for a database (`databases` is None otherwise)."""
    if not databases or "default" not in databases:
        return []
    if connection.vendor != "postgresql":
        return [Error("The app needs PostgreSQL.", id="practice.E010")]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_available_extensions WHERE name = ANY(%s)", [list(EXTENSIONS)])
            available = {row[0] for row in cursor.fetchall()}
    except DatabaseError as exc:
        return [Error(f"The database could not be asked for its extensions: {type(exc).__name__}.", id="practice.E011")]
    errors = []
    if connection.pg_version < MIN_VERSION:
        errors.append(Error(f"PostgreSQL {connection.pg_version // 10000} is too old: the app needs 16 or newer.",
                            id="practice.E012"))
    missing = [name for name in EXTENSIONS if name not in available]
    if missing:
        errors.append(Error(f"PostgreSQL lacks the extension(s) {', '.join(missing)} (the contrib modules).",
                            hint="Install your distribution's postgresql-contrib package, or use a managed "
                                 "PostgreSQL that offers them.", id="practice.E013"))
    return errors
