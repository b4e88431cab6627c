"""Benchmark: every list page at a small and a large amount of data around it.

    python tests/perf/bench_pages.py [--small 30] [--large 30000] [--practice 100000] [--repeat 10]

Two questions, in one throw-away database:
1. One therapist's caseload of `--small` clients, then of `--large`: each page's median
   in-process server time at both sizes and the ratio (large / small).
2. A caseload of 50 inside a practice of 50 clients, then of `--practice` clients (the rest on
   a colleague's caseload): the same pages, the same ratio.
Then the EXPLAIN of the slowest query of each page at the largest size. Prints figures; it is
not a timed test (tests/test_perf_script.py only checks that it runs).
"""

from __future__ import annotations

import argparse
import os
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
from tests.perf.bench_caseload import seed  # noqa: E402

STAFF_PAGES = ["/today/", "/caseload/", "/caseload/checkins/", "/caseload/consents/", "/agenda/", "/clients/{client}/"]
SUPERVISOR_PAGES = ["/supervision/", "/supervision/{therapist}/review/", "/accountability/concerns/",
                    "/accountability/log/", "/accountability/log/?log=access"]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    mark_second_factor(client.session, user)
    return client


def timed(client: Client, path: str, repeat: int) -> float:
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def slowest_plan(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    selects = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    slowest = max(selects, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) " + slowest["sql"])
        rows = [r[0] for r in cursor.fetchall()]
    return rows[:6] + [r for r in rows if "Execution Time" in r]


def staff(practice, name: str, role: str):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from practice.models import Membership, User

    user = User.objects.create_user(f"{name}@bench.test", None, full_name=name.title())
    TOTP.activate(user, generate_totp_secret())
    return Membership.objects.create(user=user, practice=practice, role=role)


def measure_all(pages: dict, repeat: int) -> dict:
    return {label: timed(client, path, repeat) for label, (client, path) in pages.items()}


def analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=30)
    parser.add_argument("--large", type=int, default=30000)
    parser.add_argument("--practice", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_pages_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from practice.models import Practice
        from practice.tenancy.services import supervision_link

        practice = Practice.objects.create(name="Bench Practice")
        therapist = staff(practice, "therapist", "therapist")
        supervisor = staff(practice, "supervisor", "supervisor")
        supervision_link(supervisor=supervisor, therapist=therapist)
        as_therapist, as_supervisor = login(therapist.user), login(supervisor.user)

        def pages():
            from clients.models import Client as ClientRecord

            first = ClientRecord.objects.filter(assignments__therapist=therapist).order_by("created_at").first()
            found = {p: (as_therapist, p.format(client=first.pk)) for p in STAFF_PAGES}
            found.update({p: (as_supervisor, p.format(therapist=therapist.pk)) for p in SUPERVISOR_PAGES})
            portal = login(first.membership.user)
            found["/portal/"] = (portal, "/portal/")
            return found

        print(f"1. One caseload of {args.small} clients, then of {args.large}")
        seed(therapist, args.small)
        analyse()
        small = measure_all(pages(), args.repeat)
        seed(therapist, args.large - args.small)
        analyse()
        large = measure_all(pages(), args.repeat)
        print(f"{'page':<36} {args.small:>10} {args.large:>10} {'ratio':>7}")
        for label in small:
            print(f"{label:<36} {small[label]:>9.1f}ms {large[label]:>9.1f}ms {large[label] / small[label]:>7.2f}")

        print(f"\n2. A caseload of 50 in a practice of 50 clients, then of {args.practice}")
        other = Practice.objects.create(name="Second Practice")
        therapist = staff(other, "second-therapist", "therapist")
        colleague = staff(other, "colleague", "therapist")
        supervisor = staff(other, "second-supervisor", "supervisor")
        supervision_link(supervisor=supervisor, therapist=therapist)
        as_therapist, as_supervisor = login(therapist.user), login(supervisor.user)
        seed(therapist, 50)
        analyse()
        small = measure_all(pages(), args.repeat)
        seed(colleague, args.practice - 50)
        analyse()
        large = measure_all(pages(), args.repeat)
        print(f"{'page':<36} {50:>10} {args.practice:>10} {'ratio':>7}")
        for label in small:
            print(f"{label:<36} {small[label]:>9.1f}ms {large[label]:>9.1f}ms {large[label] / small[label]:>7.2f}")

        print("\nThe slowest query of each page at the largest size:")
        for label, (client, path) in pages().items():
            print(f"{label}:")
            print("\n".join("    " + line for line in slowest_plan(client, path)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
