"""Configuration: production settings are strict, development needs nothing installed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROD_ENV = {
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/practice",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SECRET_KEY": "x" * 64 + "-production-secret-with-enough-entropy",
    "ALLOWED_HOSTS": "practice.example.org",
    "DJANGO_SETTINGS_MODULE": "practice.settings",
}


def _manage(*args, env_overrides=None, unset=()):
    env = {k: v for k, v in os.environ.items() if k not in unset and k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_overrides or {})
    return subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=60)


def test_check_deploy_is_clean_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env_overrides=env, unset=(missing,))
    assert result.returncode != 0
    assert missing in result.stderr


def test_bad_values_are_refused_clearly():
    result = _manage("check", env_overrides={**PROD_ENV, "DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr
    result = _manage("check", env_overrides={**PROD_ENV, "TIME_ZONE": "Mars/Olympus"})
    assert result.returncode != 0 and "not an IANA time zone" in result.stderr
    result = _manage("check", env_overrides={**PROD_ENV, "DATABASE_URL": "mysql://a@b/c"})
    assert result.returncode != 0 and "PostgreSQL" in result.stderr


def test_with_urls_set_nothing_embedded_is_started(tmp_path):
    # Point the embedded-server directory somewhere empty: with both URLs set, settings
    # must not create anything there.
    env = {**PROD_ENV, "PRACTICE_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL)"],
        env={**os.environ, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "db.internal redis://cache.internal:6379/0" in result.stdout
    assert not (tmp_path / "var").exists()


def test_tests_run_on_real_postgresql_and_redis():
    from django.core.cache import cache
    from django.db import connection

    assert connection.vendor == "postgresql"
    cache.set("probe", "ok", 5)
    assert cache.get("probe") == "ok"
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_security_headers_present(client, db):
    response = client.get("/healthz")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_argon2_is_the_password_hasher():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_with_records_carry_the_security_headers_and_are_never_cached(world):
    from django.test import Client
    from django.urls import reverse

    c = Client()
    c.force_login(world.therapist.user)
    response = c.get(reverse("client_detail", kwargs={"client_id": world.client.pk}))
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_database_check_names_a_missing_extension(db, monkeypatch):
    from practice import checks

    assert checks.postgres_has_what_the_app_needs() == []  # this server has everything
    monkeypatch.setattr(checks, "EXTENSIONS", (*checks.EXTENSIONS, "no_such_extension"))
    [error] = checks.postgres_has_what_the_app_needs()
    assert error.id == "practice.E013" and "no_such_extension" in error.msg and "postgresql-contrib" in error.hint
