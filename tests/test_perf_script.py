"""The benchmark script under tests/perf keeps working (run small; figures not judged)."""

import subprocess
import sys

from django.conf import settings


def test_caseload_benchmark_runs_and_prints_figures():
    result = subprocess.run(
        [sys.executable, "tests/perf/bench_caseload.py", "--sizes", "3", "12", "--repeat", "2"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    table, plan = result.stdout.split("\n\n", 1)
    lines = [line.split() for line in table.splitlines()[1:]]
    assert [(row[0], row[1]) for row in lines] == [
        ("/healthz", "3"), ("/caseload/", "3"), ("/healthz", "12"), ("/caseload/", "12")]
    caseload_queries = {row[3] for row in lines if row[0] == "/caseload/"}
    assert len(caseload_queries) == 1  # the same number of queries at both sizes
    assert lines[1][4] == "1.00" and float(lines[3][4]) > 0  # each size as a ratio to the smallest
    assert "slowest query" in plan and "Execution Time" in plan  # and the plan of the page's slowest query


def test_checkin_benchmark_runs_with_no_duplicates_or_losses():
    result = subprocess.run(
        [sys.executable, "tests/perf/bench_checkins.py", "--count", "40", "--timeout", "240"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "duplicates: 0" in result.stdout and "missing: 0" in result.stdout
    assert "emails/s" in result.stdout


def test_audit_benchmark_prints_both_figures_and_one_write():
    result = subprocess.run(
        [sys.executable, "tests/perf/bench_audit.py", "--clients", "5", "--repeat", "2"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.rsplit(None, 3)[0]: line.split()[-3:] for line in result.stdout.splitlines()[1:]}
    assert set(rows) == {"without audit logging", "with audit logging"}
    assert rows["without audit logging"][2] == "0" and rows["with audit logging"][2] == "1"


def test_load_script_runs_the_three_journeys_without_errors():
    result = subprocess.run(
        [sys.executable, "tests/perf/load.py", "--users", "10", "--seconds", "4", "--floor-seconds", "2",
         "--workers", "2", "--therapists", "2", "--clients", "20", "--checkins", "500"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=400,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for page in ("therapist: caseload", "therapist: write a note addendum", "client: answer a check-in",
                 "client: answer a survey", "supervisor: review page", "supervisor: audit log filter", "floor: /healthz"):
        assert page in out, page
    assert out.rstrip().endswith("errors: 0")


def test_fault_run_loses_nothing_through_a_worker_kill_and_a_redis_restart():
    result = subprocess.run(
        [sys.executable, "tests/perf/fault_checkins.py", "--count", "200", "--kills", "1", "--redis-restarts", "1",
         "--outage", "0", "--timeout", "240"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "lost: 0" in result.stdout and "every repeat the very same message: True" in result.stdout


def test_reports_benchmark_prints_each_report_beside_the_floor():
    result = subprocess.run(
        [sys.executable, "tests/perf/bench_reports.py", "--clients", "40", "--checkins", "600", "--therapists", "3",
         "--repeat", "1"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(("admin ", "supervisor "))]
    assert [r[1] for r in rows] == ["/healthz", "/accountability/reports/", "/accountability/reports/"] * 2
    assert len({r[-2] for r in rows if r[1] != "/healthz"}) == 1  # the same number of queries for each report
    assert "five slowest queries" in result.stdout and "Execution Time" in result.stdout
