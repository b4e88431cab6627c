"""Benchmark: server time of the caseload page as the caseload grows.

    python tests/perf/bench_caseload.py [--sizes 30 3000] [--repeat 30]

Seeds N clients (each with a session) on one therapist's caseload in a throw-away
database, then prints the median in-process server time of /caseload/ for each N beside
that of /healthz (the floor: a minimal view through the same middleware) measured in the
same run, plus the query count of each page. Prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.factories import mark_second_factor  # noqa: E402


def seed(therapist, n: int) -> None:
    from clients.models import CaseloadAssignment
    from clients.models import Client as ClientRecord
    from practice.models import Membership, User
    from sessions.models import CheckIn, CheckInAnswer, TherapySession

    start = User.objects.count()
    users = User.objects.bulk_create(
        [User(email=f"bench{start + i}@example.test", full_name=f"Bench Client {start + i}", password="!") for i in range(n)]
    )
    members = Membership.objects.bulk_create(
        [Membership(user=u, practice_id=therapist.practice_id, role="client") for u in users]
    )
    clients = ClientRecord.objects.bulk_create([ClientRecord(practice_id=therapist.practice_id, membership=m) for m in members])
    CaseloadAssignment.objects.bulk_create(
        [CaseloadAssignment(practice_id=therapist.practice_id, therapist=therapist, client=c) for c in clients]
    )
    soon = timezone.now() + timedelta(days=3)
    sessions = TherapySession.objects.bulk_create(
        [TherapySession(client=c, practitioner=therapist, kind="therapy", scheduled_start=soon) for c in clients]
    )
    # One answered check-in each, none acknowledged: the inbox then has as many answers to
    # choose its page from as there are clients.
    checkins = CheckIn.objects.bulk_create([CheckIn(client=c, session=s, day=1, state="answered", due_at=timezone.now())
                                            for c, s in zip(clients, sessions, strict=True)])
    CheckInAnswer.objects.bulk_create([CheckInAnswer(checkin=c, mood=6, sleep="fair", worsening="none",
                                                     harm_thoughts=False, danger=False) for c in checkins])


def largest_query_plan(client: Client, path: str) -> list[str]:
    """EXPLAIN ANALYZE of the slowest query the page runs (to see whether it uses an index)."""
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + slowest["sql"])
        return [row[0] for row in cursor.fetchall()]


def measure(client: Client, path: str, repeat: int) -> tuple[float, int]:
    for _ in range(3):  # warm caches and the session
        assert client.get(path).status_code == 200
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 3000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_practice_{os.getpid()}"  # never the suite's database
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from practice.models import Membership, Practice, User

        practice = Practice.objects.create(name="Bench Practice")
        user = User.objects.create_user("bench-therapist@example.test", None, full_name="Bench Therapist")
        TOTP.activate(user, generate_totp_secret())
        therapist = Membership.objects.create(user=user, practice=practice, role="therapist")
        client = Client()
        client.force_login(user)
        mark_second_factor(client.session, user)  # a full two-factor login

        print(f"{'page':<12} {'clients':>8} {'median ms':>10} {'queries':>8} {'x smallest':>10}")
        seeded, first, plan = 0, None, []
        for n in sorted(args.sizes):
            seed(therapist, n - seeded)
            seeded = n
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load: plans from real statistics
            floor_ms, floor_q = measure(client, "/healthz", args.repeat)
            page_ms, page_q = measure(client, "/caseload/", args.repeat)
            first = first or page_ms
            print(f"{'/healthz':<12} {n:>8} {floor_ms:>10.2f} {floor_q:>8}")
            print(f"{'/caseload/':<12} {n:>8} {page_ms:>10.2f} {page_q:>8} {page_ms / first:>10.2f}")
            plan = largest_query_plan(client, "/caseload/")
        print("\nThe page's slowest query at the largest size:")
        print("\n".join("  " + line for line in plan))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
