"""Faults on the request path: the database unreachable, Redis unreachable."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from clients.models import Client as ClientRecord


@pytest.mark.django_db(transaction=True)
def test_database_down_gives_a_clear_503_and_the_site_recovers_by_itself(world):
    therapist = Client(raise_request_exception=False)
    therapist.force_login(world.therapist.user)
    url = reverse("client_stage", kwargs={"client_id": world.client.pk})
    real = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "/nonexistent-socket-dir"  # as if PostgreSQL had stopped
    try:
        response = therapist.post(url, {"stage": "screening"})
        assert response.status_code == 503 and response["Retry-After"] == "30"
        body = response.content.decode()
        assert "Briefly unavailable" in body and "Traceback" not in body and "nothing you just sent" in body.lower()
    finally:
        connection.close()
        connection.settings_dict.update(real)
    assert ClientRecord.objects.get(pk=world.client.pk).stage == "intake"  # nothing half-written
    assert therapist.post(url, {"stage": "screening"}).status_code == 302  # back without a restart
    assert ClientRecord.objects.get(pk=world.client.pk).stage == "screening"


def test_redis_down_pages_keep_working(world, settings):
    # Changing CACHES rebuilds the cache handler (Django's setting_changed receiver).
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("k", 1) is True  # fails open (see practice/cache.py)
    c = Client()
    login = c.post(reverse("account_login"), {"login": world.client.membership.user.email, "password": "wrong"})
    assert login.status_code in (200, 400)  # the form says the password is wrong; no 500
    c.force_login(world.therapist.user)
    assert c.get(reverse("caseload")).status_code == 200
    assert c.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).status_code == 200


def test_urgent_alerts_are_sent_in_the_request_when_the_broker_is_down(world, settings, monkeypatch):
    from django.core import mail

    from clients.caseload.tasks import notify_attention
    from practice import tasking

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(notify_attention, "delay", broker_down)
    tasking.publish(notify_attention, str(world.client.pk))
    assert [m.to for m in mail.outbox] == [[world.therapist.user.email]]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_postgresql_stopped_and_started_mid_use(world, live_server):
    """The real thing on the embedded server: stop PostgreSQL while the site is in use, get a
    clear 503 (no stack trace), write nothing, start it again and carry on without a restart."""
    import os
    import urllib.error
    import urllib.request

    from django.conf import settings as django_settings

    from practice import devservices

    if os.environ.get("DATABASE_URL"):
        pytest.skip("only the embedded PostgreSQL can be stopped by the suite")
    c = Client()
    c.force_login(world.therapist.user)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={c.cookies[django_settings.SESSION_COOKIE_NAME].value}"

    def get(path):
        request = urllib.request.Request(live_server.url + path, headers={"Cookie": cookie})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our live server)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    page = f"/clients/{world.client.pk}/"
    assert get(page)[0] == 200
    connection.close()
    devservices.stop_postgres()
    try:
        status, body = get(page)
        assert status == 503 and "Briefly unavailable" in body and "Traceback" not in body
    finally:
        devservices.postgres_settings()  # starts it again
    connection.close()
    for _ in range(20):  # the server's persistent connections notice and reconnect by themselves
        status, body = get(page)
        if status == 200:
            break
    assert status == 200 and "Cora Client" in body
