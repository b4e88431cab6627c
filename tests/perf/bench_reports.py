"""Benchmark: the reports page over a practice seeded at scale.

    python tests/perf/bench_reports.py [--clients 2000] [--checkins 100000] [--repeat 10]

Seeds a throw-away database with `seed_scale` (default: 2,000 clients, 100,000 check-ins, a
dose log for every completed medicine session), runs ANALYZE as autovacuum would, then prints
the median in-process server time and query count of the report for the admin (the whole
practice) and a supervisor, for this quarter and for the last two years, beside /healthz
(the floor: the same middleware, a minimal view) measured in the same run; then the plan of
the report's slowest query. Prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.factories import mark_second_factor  # noqa: E402
from tests.perf.bench_caseload import largest_query_plan, measure  # noqa: E402


def login(member) -> Client:
    client = Client()
    client.force_login(member.user)
    mark_second_factor(client.session, member.user)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--checkins", type=int, default=100_000)
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_reports_{os.getpid()}"  # never the suite's database
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from practice.models import Membership
        from sessions.checkins.models import CheckInAnswer
        from sessions.livelog.models import DoseGiven

        call_command("seed_scale", therapists=args.therapists, clients=args.clients, checkins=args.checkins, seed=1,
                     stdout=open(os.devnull, "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"seeded: {args.clients} clients, {args.checkins} check-ins ({CheckInAnswer.objects.count()} answers), "
              f"{DoseGiven.objects.count()} doses")
        today = timezone.localdate()
        two_years = f"?start={today - timedelta(days=730):%Y-%m-%d}&end={today:%Y-%m-%d}"
        readers = [("admin", Membership.objects.filter(role="admin").first()),
                   ("supervisor", Membership.objects.filter(role="supervisor").first())]
        print(f"\n{'who':<11} {'page':<42} {'median ms':>10} {'queries':>8} {'x floor':>8}")
        slowest = None
        for who, member in readers:
            client = login(member)
            floor_ms, floor_q = measure(client, "/healthz", args.repeat)
            print(f"{who:<11} {'/healthz (floor)':<42} {floor_ms:>10.2f} {floor_q:>8}")
            for path in ("/accountability/reports/", "/accountability/reports/" + two_years):
                ms, queries = measure(client, path, args.repeat)
                label = "/accountability/reports/ (two years)" if "?" in path else "/accountability/reports/ (quarter)"
                print(f"{who:<11} {label:<42} {ms:>10.2f} {queries:>8} {ms / floor_ms:>8.1f}")
                if who == "admin" and "?" in path:
                    slowest = largest_query_plan(client, path)
                    with CaptureQueriesContext(connection) as captured:
                        client.get(path)
                    costly = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]
        print("\nThe admin's two-year report, its five slowest queries (seconds, start of the statement):")
        for q in costly:
            print(f"  {float(q['time']):.3f}  {q['sql'][:110]}")
        print("\nThe slowest query of the admin's two-year report:")
        print("\n".join("  " + line for line in slowest))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
