"""Benchmark: client search as the practice grows.

    python tests/perf/bench_search.py [--sizes 100 100000] [--repeat 30]

In a throw-away database: one therapist with a caseload of 50 and a supervisor of them, inside a
practice grown to each size (random two-word names, so trigrams vary as real names do). Prints,
per size, the median in-process time of /search/ with a misspelt name for both viewers, the
query count, and the plan of the search's query. Prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from tests.factories import mark_second_factor  # noqa: E402

RND = random.Random(7)
BATCH = 5000


def word() -> str:
    return "".join(RND.choice("abcdefghijklmnoprstuvwyz") for _ in range(RND.randint(4, 8))).title()


def seed(practice, therapist, n: int, caseload: bool) -> list[str]:
    from clients.models import CaseloadAssignment
    from clients.models import Client as ClientRecord
    from practice.models import Membership, User

    names = [f"{word()} {word()}" for _ in range(n)]
    start = User.objects.count()
    for i in range(0, n, BATCH):
        chunk = names[i:i + BATCH]
        users = User.objects.bulk_create([User(email=f"s{start + i + k}@example.test", full_name=name, password="!")
                                          for k, name in enumerate(chunk)])
        members = Membership.objects.bulk_create([Membership(user=u, practice=practice, role="client") for u in users])
        clients = ClientRecord.objects.bulk_create([ClientRecord(practice=practice, membership=m) for m in members])
        if caseload:
            CaseloadAssignment.objects.bulk_create([CaseloadAssignment(practice=practice, therapist=therapist, client=c)
                                                    for c in clients])
    return names


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    mark_second_factor(client.session, user)
    return client


def measure(client: Client, path: str, repeat: int) -> tuple[float, int]:
    for _ in range(3):
        assert client.get(path).status_code == 200
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def plan(membership, text: str) -> str:
    from clients.search.rules import normalise
    from clients.search.selectors import matching

    return matching(membership, normalise(text)).explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_search_{os.getpid()}"  # never the suite's database
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from practice.models import Membership, Practice, SupervisionLink, User

        practice = Practice.objects.create(name="Bench Practice")
        staff = {}
        for role in ("therapist", "supervisor"):
            user = User.objects.create_user(f"bench-{role}@example.test", None, full_name=f"Bench {role.title()}")
            TOTP.activate(user, generate_totp_secret())
            staff[role] = Membership.objects.create(user=user, practice=practice, role=role)
        SupervisionLink.objects.create(practice=practice, supervisor=staff["supervisor"], therapist=staff["therapist"])
        mine = seed(practice, staff["therapist"], 50, caseload=True)
        typo = mine[25][:2] + mine[25][3:]  # one letter left out of a client on the caseload
        path = f"/search/?q={typo.replace(' ', '+')}"
        clients = {role: login(member.user) for role, member in staff.items()}

        print(f"search for {typo!r} (the caseload's {mine[25]!r}); caseload 50 inside practices of each size")
        print(f"{'viewer':<11} {'practice':>9} {'median ms':>10} {'queries':>8}")
        seeded = 50
        figures = {}
        for n in sorted(args.sizes):
            if n > seeded:
                seed(practice, staff["therapist"], n - seeded, caseload=False)
                seeded = n
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            for role, client in clients.items():
                ms, queries = measure(client, path, args.repeat)
                figures[(role, n)] = ms
                print(f"{role:<11} {n:>9} {ms:>10.2f} {queries:>8}")
            print(f"plan at {n} clients:\n  " + plan(staff["therapist"], typo).replace("\n", "\n  "))
        small, large = min(args.sizes), max(args.sizes)
        for role in clients:
            print(f"{role}: {large} vs {small} clients: {figures[(role, large)] / figures[(role, small)]:.2f}x")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
