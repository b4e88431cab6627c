"""A superuser (and any staff member) logged in every way there is: only a session that passed
the second factor sees anything; the Django admin has no password-only login of its own and
shows no client."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from practice.demo.totp import current_code
from practice.models import Membership, User
from practice.roles import Role

from . import factories as f
from .conftest import password_only_login

ADMIN = "/django-admin/"


@pytest.fixture
def superuser(db) -> User:
    su = User.objects.create_superuser("root@example.test", f.PASSWORD)
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    EmailAddress.objects.create(user=su, email=su.email, verified=True, primary=True)
    TOTP.activate(su, generate_totp_secret())
    return su


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_sends_anonymous_visitors_to_the_app_login(client, superuser):
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url.startswith("/django-admin/login/")
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=/django-admin/" in response.url


def test_admin_login_form_takes_no_password(client, superuser):
    # Today's main logged the superuser in here with the password alone.
    response = client.post("/django-admin/login/?next=/django-admin/",
                           {"username": superuser.email, "password": f.PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not _signed_in(client)
    assert client.get(ADMIN).status_code == 302


def test_admin_login_redirect_keeps_only_admin_targets(client, superuser):
    response = client.get("/django-admin/login/?next=https://evil.example/")
    assert "evil.example" not in response.url
    response = client.get("/django-admin/login/?next=/django-admin/practice/practice/")
    assert "next=/django-admin/practice/practice/" in response.url


def test_superuser_needs_password_then_code_for_the_admin(client, superuser):
    response = client.post(reverse("account_login"), {"login": superuser.email, "password": f.PASSWORD})
    assert response.url == reverse("mfa_authenticate") and not _signed_in(client)
    assert client.get(ADMIN).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": current_code(superuser)})
    assert _signed_in(client)
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize("path", [ADMIN, "/django-admin/practice/membership/", "/", "/accounts/email/",
                                  "/accounts/2fa/recovery-codes/"])
def test_a_session_that_skipped_the_second_factor_is_signed_out_everywhere(client, superuser, path):
    password_only_login(client, superuser)
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login")), path
    assert not _signed_in(client)


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.SUPERVISOR, Role.ADMIN])
def test_staff_session_without_the_second_factor_sees_no_page(client, db, role):
    p = f.practice()
    m = f.member(p, role, password=f.PASSWORD)
    password_only_login(client, m.user)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert not _signed_in(client)


def test_client_sessions_need_no_second_factor(client, db):
    p = f.practice()
    c = f.client(p, f.member(p, Role.THERAPIST))
    password_only_login(client, c.membership.user)
    assert client.get(reverse("portal")).status_code == 200


def test_enrolling_an_authenticator_counts_as_using_it(client, db, django_capture_on_commit_callbacks):
    p = f.practice()
    m = f.member(p, Role.THERAPIST, mfa=False, password=f.PASSWORD)
    response = client.post(reverse("account_login"), {"login": m.user.email, "password": f.PASSWORD})
    assert _signed_in(client)
    assert client.get(reverse("caseload")).url == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": f.PASSWORD})  # allauth asks before enrolling
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    if time.time() % mfa_settings.TOTP_PERIOD > mfa_settings.TOTP_PERIOD - 3:
        time.sleep(3)  # a code taken at the end of its period may expire before it is posted
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the enrolment on commit
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    assert f.has_totp(m.user)
    assert client.get(reverse("caseload")).status_code == 200


def test_non_superusers_are_refused_by_the_admin(client, db):
    p = f.practice()
    m = f.member(p, Role.ADMIN)
    client.force_login(m.user)
    assert client.get(ADMIN).status_code == 302  # the admin's own redirect to its login...
    assert client.get("/django-admin/login/").status_code == 403  # ...which refuses a signed-in non-superuser


def test_admin_shows_no_client(client, superuser):
    p = f.practice()
    therapist = f.member(p, Role.THERAPIST, full_name="Terry Staff")
    c = f.client(p, therapist, full_name="Carla Hidden", email="carla@example.test")
    f.client(p, therapist, full_name="Other Hidden")
    from clients.invitations.services import invitation_create

    invitation_create(inviter=therapist, email="invited-client@example.test", role=Role.CLIENT)
    client.force_login(superuser)
    for path in ["/django-admin/practice/membership/", "/django-admin/practice/user/",
                 "/django-admin/practice/invitation/"]:
        body = client.get(path).content.decode()
        assert "Hidden" not in body and "carla@" not in body and "invited-client@" not in body, path
    assert "Terry Staff" in client.get("/django-admin/practice/user/").content.decode()
    client_membership = Membership.objects.get(pk=c.membership_id)
    response = client.get(f"/django-admin/practice/membership/{client_membership.pk}/change/")
    assert response.status_code == 302 and response.url == ADMIN  # "does not exist": back to the index
    response = client.get(f"/django-admin/practice/user/{c.membership.user_id}/change/")
    assert response.status_code == 302 and response.url == ADMIN
