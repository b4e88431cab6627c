"""One rule for the client's address (TRUSTED_PROXY_COUNT) drives the login rate limit and the
audit trail; one address's failed logins never lock out people at other addresses, and a
client cannot pick its own address by sending X-Forwarded-For."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from practice.audit.models import AuditEvent
from practice.clientip import client_ip
from practice.roles import Role

from . import factories as f


def _request(xff: str | None, remote: str = "10.0.0.9"):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(("count", "xff", "expected"), [
    (0, None, "10.0.0.9"),
    (0, "203.0.113.5", "10.0.0.9"),                  # no trusted proxy: the header is the client's own words
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),      # a forged first entry is ignored
    (2, "6.6.6.6, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
    (2, "203.0.113.5", "203.0.113.5"),               # fewer hops than proxies: all entries are ours
    (1, "not-an-address", None),
    (1, None, "10.0.0.9"),                           # a request that came past the proxy
])
def test_client_address_rule(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(xff)) == expected


def _fail_then_login(client, victim, attacker_xff, victim_xff):
    for n in range(12):
        client.post(reverse("account_login"), {"login": f"nobody{n}@example.test", "password": "wrong-password-1"},
                    HTTP_X_FORWARDED_FOR=attacker_xff)
    client.cookies.clear()
    return client.post(reverse("account_login"), {"login": victim.user.email, "password": f.PASSWORD},
                       HTTP_X_FORWARDED_FOR=victim_xff)


@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_one_address_cannot_lock_out_another(client, db):
    p = f.practice()
    victim = f.member(p, Role.THERAPIST, password=f.PASSWORD)
    response = _fail_then_login(client, victim, "203.0.113.5", "198.51.100.7")
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")


@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_locked_address_stays_locked_whatever_it_forges(client, db):
    p = f.practice()
    victim = f.member(p, Role.THERAPIST, password=f.PASSWORD)
    response = _fail_then_login(client, victim, "203.0.113.5", "1.2.3.4, 203.0.113.5")
    assert response.status_code in (200, 429) and "Too many failed login attempts" in response.content.decode()


def test_without_trusted_proxies_forged_addresses_reach_no_record(client, world):
    client.force_login(world.therapist.user)
    client.post(reverse("client_stage", args=[world.client.pk]), {"stage": "screening"},
                HTTP_X_FORWARDED_FOR="6.6.6.6")
    event = AuditEvent.objects.filter(table_name="clients_client").latest("id")
    assert event.ip == "127.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_audit_trail_takes_the_address_the_proxy_saw(client, world):
    client.force_login(world.therapist.user)
    client.post(reverse("client_stage", args=[world.client.pk]), {"stage": "screening"},
                HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert AuditEvent.objects.filter(table_name="clients_client").latest("id").ip == "203.0.113.5"
