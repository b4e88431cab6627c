"""Benchmark: what audit and access logging cost on a list page.

    python tests/perf/bench_audit.py [--clients 200] [--repeat 40]

Seeds one therapist's caseload in a throw-away database and prints, for /caseload/ with and
without the audit middleware (the access log and the audit context), the median in-process
server time, the number of queries and the number of writes per request. The audit trigger
itself runs only on writes, so a page that writes nothing pays nothing for it. Prints
figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402

from tests.factories import mark_second_factor  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")


def measure(client: Client, path: str, repeat: int) -> tuple[float, int, int]:
    for _ in range(3):
        assert client.get(path).status_code == 200
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    writes = sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES))
    return statistics.median(times) * 1000, len(queries.captured_queries), writes


def main() -> None:
    from bench_caseload import seed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_audit_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from practice.models import Membership, Practice, User

        practice = Practice.objects.create(name="Bench Practice")
        user = User.objects.create_user("bench-therapist@example.test", None, full_name="Bench Therapist")
        TOTP.activate(user, generate_totp_secret())
        therapist = Membership.objects.create(user=user, practice=practice, role="therapist")
        seed(therapist, args.clients)

        def logged_in() -> Client:  # a new Client loads the middleware chain of the current settings
            c = Client()
            c.force_login(user)
            mark_second_factor(c.session, user)  # a full two-factor login
            return c

        without = [m for m in settings.MIDDLEWARE if m != "practice.audit.middleware.AuditMiddleware"]
        print(f"{'/caseload/, ' + str(args.clients) + ' clients':<34} {'median ms':>10} {'queries':>8} {'writes':>7}")
        with override_settings(MIDDLEWARE=without):
            ms, q, w = measure(logged_in(), "/caseload/", args.repeat)
        print(f"{'without audit logging':<34} {ms:>10.2f} {q:>8} {w:>7}")
        ms, q, w = measure(logged_in(), "/caseload/", args.repeat)
        print(f"{'with audit logging':<34} {ms:>10.2f} {q:>8} {w:>7}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
