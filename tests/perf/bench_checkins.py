"""Benchmark: drain N due check-ins with two real Celery worker processes.

    python tests/perf/bench_checkins.py [--count 100000]

Seeds N due check-ins in a throw-away database, dispatches them the way beat does (chains of
batches claimed with SKIP LOCKED, each batch task queueing the next; beat's dispatch again every
minute) to two worker processes (solo pools; `--concurrency N` for prefork workers of N pool
processes each) writing to the file email backend, and prints elapsed time,
emails per second, peak memory per worker, and the duplicate and missing counts (both must be
zero), next to a floor: the same number of emails rendered and sent in one plain loop in one
process, and the ratio of the two. Prints figures; not a timed test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")
# Its own queue, so a test run or another benchmark on the same Redis never takes its tasks.
os.environ["CELERY_QUEUE"] = f"bench-checkins-{os.getpid()}"

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def seed(count: int):
    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services
    from clients.models import CaseloadAssignment, Client
    from practice.models import Membership, Practice, User
    from sessions.checkins.models import CheckIn
    from sessions.models import TherapySession

    practice = Practice.objects.create(name="Bench Practice")
    admin = Membership.objects.create(user=User.objects.create_user("bench-admin@example.test", None), practice=practice,
                                      role="admin")
    therapist = Membership.objects.create(user=User.objects.create_user("bench-t@example.test", None), practice=practice,
                                          role="therapist")
    user = User.objects.create_user("bench-client@example.test", None, full_name="Bench Client")
    client = Client.objects.create(practice=practice, membership=Membership.objects.create(
        user=user, practice=practice, role="client"))
    CaseloadAssignment.objects.create(practice=practice, therapist=therapist, client=client)
    doc = consent_services.template_write(by=admin, kind="contact_email", title="Email", body="Yes.")
    text = consent_selectors.render(doc, client)
    consent_services.consent_sign(client=client, user=user, version_id=doc.pk, text_sha256=consent_services.sha256(text),
                                  typed_name="Bench Client", ip_address=None, user_agent="bench")
    due = timezone.now() - timedelta(minutes=1)
    per_session = 30000  # check-in day numbers are unique per session
    for start in range(0, count, per_session):
        session = TherapySession.objects.create(client=client, practitioner=therapist, kind="medicine",
                                                status="completed", scheduled_start=due)
        CheckIn.objects.bulk_create(
            [CheckIn(client=client, session=session, day=d + 1, due_at=due)
             for d in range(min(per_session, count - start))], batch_size=5000)
    return client


def worker_env(mail_dir: Path) -> dict:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db["PORT"] else ""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "practice.settings_test", "DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@{host}{port}/{db['NAME']}", "REDIS_URL": settings.REDIS_URL,
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}


def tree_rss(pid: int) -> int:
    """A worker's memory: its own and its pool processes' resident sets."""
    try:
        parent = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
    except psutil.NoSuchProcess:
        return 0


def message_ids(mail_dir: Path) -> Counter:
    ids = Counter()
    for f in mail_dir.iterdir():
        for line in f.read_text().splitlines():
            if line.startswith("Message-ID: <checkin-"):
                ids[line] += 1
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--concurrency", type=int, default=0,
                        help="pool processes per worker (prefork); 0 (the default): one solo process each")
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_checkins_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    workers = []
    try:
        from sessions.checkins import emails as checkin_emails
        from sessions.checkins import services as checkin_service
        from sessions.checkins.models import CheckIn
        from sessions.checkins.tasks import send_checkin_batch

        client = seed(args.count)
        tmp = Path(tempfile.mkdtemp(prefix="bench-checkins-"))

        # The floor: render and send the same number of emails in one loop, one process.
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        sample = CheckIn.objects.select_related("client__membership__user", "client__practice").first()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                               EMAIL_FILE_PATH=str(floor_dir)):
            t0 = time.perf_counter()
            for _ in range(args.count):
                checkin_emails.checkin_request(sample).send()
            floor = time.perf_counter() - t0

        mail_dir = tmp / "workers"
        mail_dir.mkdir()
        pool = ["--pool=prefork", f"--concurrency={args.concurrency}"] if args.concurrency else ["--pool=solo"]
        for n in range(2):
            log = open(tmp / f"worker{n}.log", "w")  # noqa: SIM115
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "practice", "worker", *pool, "-n", f"bench{n}@%h",
                 os.environ.get("BENCH_LOGLEVEL", "--loglevel=WARNING"), "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
                env=worker_env(mail_dir), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT))
        from practice.celery import app

        deadline = time.perf_counter() + 120
        while len(app.control.ping(timeout=0.5)) < len(workers):  # timed from ready workers, as the floor is
            if time.perf_counter() > deadline:
                raise SystemExit("workers did not start")
        peak = [0, 0]
        t0 = last_beat = time.perf_counter()
        checkin_service.dispatch(send_checkin_batch.delay)  # beat's minute: chains of batches
        while True:
            if time.perf_counter() - last_beat >= 60:
                checkin_service.dispatch(send_checkin_batch.delay)
                last_beat = time.perf_counter()
            for n, w in enumerate(workers):
                peak[n] = max(peak[n], tree_rss(w.pid))
            if not CheckIn.objects.filter(state__in=("scheduled", "sending")).exists():  # on the state index
                break
            if time.perf_counter() - t0 > args.timeout:
                raise SystemExit("timed out")
            time.sleep(0.5)
        elapsed = time.perf_counter() - t0
        time.sleep(1)
        ids = message_ids(mail_dir)
        duplicates = sum(c - 1 for c in ids.values() if c > 1)
        missing = args.count - len(ids)
        unsent = CheckIn.objects.filter(client=client).exclude(state="sent").count()
        print(f"check-ins: {args.count} (not marked sent: {unsent})")
        print(f"two workers ({' '.join(pool)}): {elapsed:.2f} s, {args.count / elapsed:.1f} emails/s")
        print(f"peak memory per worker, pool included: {peak[0] / 2**20:.1f} MiB, {peak[1] / 2**20:.1f} MiB")
        print(f"duplicates: {duplicates}")
        print(f"missing: {missing}")
        print(f"floor (one loop, one process): {floor:.2f} s, {args.count / floor:.1f} emails/s")
        print(f"ratio to the floor: {floor / elapsed:.2f} (target: at least 0.5)")
    finally:
        for w in workers:
            w.terminate()
            w.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
