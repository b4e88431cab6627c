"""Load: the three roles doing their real journeys against gunicorn on 127.0.0.1.

    python tests/perf/load.py [--users 50] [--seconds 60] [--workers 4] [--clients 400]

Builds a throw-away database with `seed_scale`, starts gunicorn (production settings,
whitenoise, several workers) on a free loopback port, and runs virtual users for a fixed time:
therapists (caseload, a client's page, a note addendum, the check-in inbox), clients (portal,
answer a check-in, answer an alliance survey), supervisors (review page, audit log filter).
Prints requests/s, p50/p95/p99 per page and the error count (must be 0), then the same for
/healthz under the same load and middleware (the floor), then the query count of each page.
Bounded in users and time; stops gunicorn by itself. Prints figures; not a timed test.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_USERS, MAX_SECONDS = 200, 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)

    def add(self, label: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times[label].append(seconds)
            if not ok:
                self.errors[label] += 1


class Browser:
    """One virtual user: a keep-alive connection and a logged-in session cookie."""

    def __init__(self, port: int, cookie: str, stats: Stats):
        self.port, self.cookie, self.stats = port, cookie, stats
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, label: str, method: str, path: str, form: dict | None = None, ok=(200, 302)) -> str:
        headers = {"Cookie": self.cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1",
                   "Referer": f"https://127.0.0.1/{path.lstrip('/')}"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode(errors="replace")
            status = response.status
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                    self.cookie = re.sub(r"csrftoken=[^;]*", value.split(";")[0], self.cookie) \
                        if "csrftoken=" in self.cookie else f"{self.cookie}; {value.split(';')[0]}"
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            text, status = "", 0
        self.stats.add(label, time.perf_counter() - t0, status in ok)
        return text

    def post_form(self, label: str, page: str, action: str, fields: dict) -> None:
        html = self.request(f"{label} (form)", "GET", page)
        token = CSRF.search(html)
        if token:
            self.request(label, "POST", action, {"csrfmiddlewaretoken": token.group(1), **fields})


def journeys(world: dict):
    """(role, function(browser, rnd)) per virtual user kind."""

    def therapist(b: Browser, rnd: random.Random, me: dict):
        b.request("therapist: caseload", "GET", "/caseload/")
        client_id, session_id = rnd.choice(me["sessions"])
        b.request("therapist: client page", "GET", f"/clients/{client_id}/")
        b.post_form("therapist: write a note addendum", f"/clients/{client_id}/sessions/{session_id}/",
                    f"/clients/{client_id}/sessions/{session_id}/note/addendum/", {"text": "Load-test addendum."})
        b.request("therapist: check-in inbox", "GET", "/caseload/checkins/")

    def client(b: Browser, rnd: random.Random, me: dict):
        b.request("client: portal", "GET", "/portal/")
        if me["checkins"]:
            checkin = me["checkins"].pop()
            b.post_form("client: answer a check-in", f"/portal/checkins/{checkin}/", f"/portal/checkins/{checkin}/",
                        {"mood": "6", "sleep": "fair", "worsening": "none", "harm_thoughts": "no"})
        if me["surveys"]:
            survey = me["surveys"].pop()
            b.post_form("client: answer a survey", f"/portal/surveys/{survey}/", f"/portal/surveys/{survey}/",
                        {f"q{n}": str(rnd.randint(3, 5)) for n in range(1, 17)})

    def supervisor(b: Browser, rnd: random.Random, me: dict):
        b.request("supervisor: review page", "GET", f"/supervision/{rnd.choice(me['supervisees'])}/review/")
        b.request("supervisor: audit log filter", "GET",
                  "/accountability/log/?" + urlencode({"log": "audit", "client": rnd.choice(me["clients"])}))

    return {"therapist": therapist, "client": client, "supervisor": supervisor}


def prepare(therapists: int, clients: int, checkins: int, users: int) -> tuple[list, dict]:
    """Seed the database; log in `users` virtual users (therapists, clients, supervisors ~ 4:5:1)."""
    from django.core.management import call_command

    from practice.models import Membership, SupervisionLink
    from sessions.checkins.models import CheckIn
    from sessions.models import TherapySession
    from sessions.surveys.models import SurveyRequest
    from tests.factories import mark_second_factor

    call_command("seed_scale", therapists=therapists, clients=clients, checkins=checkins, seed=1,
                 stdout=open(os.devnull, "w"))  # noqa: SIM115
    members = Membership.objects.select_related("user")
    people = []
    mix = ["therapist"] * 4 + ["client"] * 5 + ["supervisor"]
    pools = {role: list(members.filter(role=role).order_by("user__email")) for role in ("therapist", "client",
                                                                                          "supervisor")}
    now = timezone.now()
    taken: dict = defaultdict(int)
    for i in range(users):
        role = mix[i % len(mix)]
        m = pools[role][taken[role] % len(pools[role])]  # each virtual user its own account while they last
        taken[role] += 1
        c = Client()
        c.force_login(m.user)
        mark_second_factor(c.session, m.user)  # the journeys start after a full two-factor login
        me: dict = {}
        if role == "therapist":
            me["sessions"] = [(str(s.client_id), str(s.pk)) for s in TherapySession.objects.filter(
                practitioner=m, status="completed", note__signed_at__isnull=False)[:20]]
        elif role == "client":
            client = m.client
            sent = CheckIn.objects.filter(client=client, state="sent").values_list("pk", flat=True)
            me["checkins"] = [str(pk) for pk in sent]
            therapist = client.assignments.first().therapist
            me["surveys"] = [str(SurveyRequest.objects.create(client=client, practitioner=therapist, slot=f"load:{i}:{k}",
                                                              due_at=now, state="sent", sent_at=now).pk)
                             for k in range(3)]
        else:
            me["supervisees"] = [str(t) for t in SupervisionLink.objects.filter(supervisor=m).values_list("therapist",
                                                                                                        flat=True)]
            me["clients"] = [str(pk) for pk in m.practice.clients.filter(
                assignments__therapist_id__in=me["supervisees"]).values_list("pk", flat=True)[:50]]
        people.append((role, f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}", me))
    return people, pools


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    portpart = f":{db['PORT']}" if db["PORT"] else ""
    from practice.settings import redis_with_db

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "practice.settings", "DEBUG": "0",
           "DATABASE_URL": f"postgres://{db['USER']}@{host}{portpart}/{db['NAME']}",
           # The same key as this process: the virtual users' sessions were signed with it here.
           "REDIS_URL": redis_with_db(settings.REDIS_URL, 13), "SECRET_KEY": settings.SECRET_KEY,
           "ALLOWED_HOSTS": "127.0.0.1", "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "practice.wsgi", "-w", str(workers), "-b",
                             f"127.0.0.1:{port}", "--timeout", "60"], env=env, cwd=ROOT,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start: " + log.read_text()[-2000:])


def run(port: int, people: list, seconds: float, floor: bool, world: dict) -> Stats:
    stats = Stats()
    steps = journeys(world)
    stop = time.monotonic() + seconds

    def user(k: int, role: str, cookie: str, me: dict):
        rnd = random.Random(k)
        b = Browser(port, cookie, stats)
        while time.monotonic() < stop:
            if floor:
                b.request("floor: /healthz", "GET", "/healthz")
            else:
                steps[role](b, rnd, me)

    threads = [threading.Thread(target=user, args=(k, *p)) for k, p in enumerate(people)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats.elapsed = time.perf_counter() - t0
    return stats


def report(title: str, stats: Stats) -> int:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(f"\n{title}: {total} requests in {stats.elapsed:.1f} s = {total / stats.elapsed:.1f} req/s, errors: {errors}")
    print(f"{'page':<42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label in sorted(stats.times):
        ms = sorted(t * 1000 for t in stats.times[label])
        q = statistics.quantiles(ms, n=100) if len(ms) > 1 else [ms[0]] * 99
        print(f"{label:<42} {len(ms):>6} {q[49]:>8.1f} {q[94]:>8.1f} {q[98]:>8.1f} {stats.errors[label]:>7}")
    return errors


def cpu_seconds(gunicorn: subprocess.Popen) -> dict[str, float]:
    """CPU used so far by the web server (all workers), PostgreSQL (every backend) and this
    process (the virtual users), to show where a request's cost goes."""
    import psutil

    def total(procs) -> float:
        seconds = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                seconds += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return seconds

    def server(root) -> float:
        # Its live processes, plus the children it has already reaped (gunicorn's restarted
        # workers, PostgreSQL's backends of closed connections).
        t = root.cpu_times()
        return total([root, *root.children(recursive=True)]) + t.children_user + t.children_system

    postgres = [p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")]
    postmasters = [p for p in postgres if p.ppid() not in {q.pid for q in postgres}]
    return {"web": server(psutil.Process(gunicorn.pid)), "postgres": sum(server(p) for p in postmasters),
            "users": total([psutil.Process()])}


def cpu_report(before: dict, after: dict, requests: int) -> None:
    print("CPU per request, ms: " + ", ".join(f"{k} {(after[k] - before[k]) * 1000 / max(requests, 1):.1f}"
                                              for k in before))


def p95(times: list[float]) -> float:
    ms = sorted(t * 1000 for t in times)
    return statistics.quantiles(ms, n=100)[94] if len(ms) > 1 else ms[0]


def targets(journeys: Stats, floor: Stats) -> None:
    """Issue 19's targets, as ratios: every page's p95 within 5x of the floor's, and the
    journeys' throughput at least a quarter of the floor's."""
    floor_p95 = p95([t for v in floor.times.values() for t in v])
    rate = sum(len(v) for v in journeys.times.values()) / journeys.elapsed
    floor_rate = sum(len(v) for v in floor.times.values()) / floor.elapsed
    print(f"\n{'page p95 / floor p95 (target: at most 5)':<42} {'ratio':>8}")
    for label in sorted(journeys.times):
        print(f"{label:<42} {p95(journeys.times[label]) / floor_p95:>8.1f}")
    print(f"{'throughput / floor (target: at least 0.25)':<42} {rate / floor_rate:>8.2f}")


def query_counts(pools: dict) -> None:
    """Queries per page, in process, for the first therapist/client/supervisor."""
    from sessions.models import TherapySession
    from tests.factories import mark_second_factor

    print(f"\n{'page (queries per request)':<42} {'queries':>8}")
    therapist, supervisor = pools["therapist"][0], pools["supervisor"][0]
    session = TherapySession.objects.filter(practitioner=therapist, status="completed").first()
    pages = [(therapist, "/caseload/"), (therapist, f"/clients/{session.client_id}/"), (therapist, "/caseload/checkins/"),
             (therapist, f"/clients/{session.client_id}/sessions/{session.pk}/"),
             (pools["client"][0], "/portal/"), (supervisor, f"/supervision/{therapist.pk}/review/"),
             (supervisor, f"/accountability/log/?log=audit&client={session.client_id}")]
    for member, path in pages:
        c = Client()
        c.force_login(member.user)
        mark_second_factor(c.session, member.user)
        c.get(path)
        with CaptureQueriesContext(connection) as q:
            status = c.get(path).status_code
        print(f"{member.role + ': ' + path.split('?')[0][:32]:<42} {len(q.captured_queries):>8}   (status {status})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--floor-seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--therapists", type=int, default=10)
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--checkins", type=int, default=20000)
    args = parser.parse_args()
    users, seconds = min(args.users, MAX_USERS), min(args.seconds, MAX_SECONDS)

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"load_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    gunicorn = None
    try:
        people, pools = prepare(args.therapists, args.clients, args.checkins, users)
        port = free_port()
        log = ROOT / "var" / f"load-gunicorn-{os.getpid()}.log"
        log.parent.mkdir(exist_ok=True)
        gunicorn = start_gunicorn(port, args.workers, log)
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {users} users for {seconds:.0f} s; "
              f"{args.clients} clients, {args.checkins} check-ins")
        cpu = [cpu_seconds(gunicorn)]
        journey_stats = run(port, people, seconds, False, {})
        cpu.append(cpu_seconds(gunicorn))
        floor_stats = run(port, people, min(args.floor_seconds, seconds), True, {})
        cpu.append(cpu_seconds(gunicorn))
        errors = report("journeys", journey_stats)
        cpu_report(cpu[0], cpu[1], sum(len(v) for v in journey_stats.times.values()))
        errors += report("floor (/healthz, same middleware)", floor_stats)
        cpu_report(cpu[1], cpu[2], sum(len(v) for v in floor_stats.times.values()))
        targets(journey_stats, floor_stats)
        query_counts(pools)
        print(f"\nerrors: {errors}")
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
