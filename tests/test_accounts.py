"""Logging in: email + password, a second factor for staff, rate limits, resets, practices."""

from __future__ import annotations

import re
from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from practice.demo.totp import current_code
from practice.middleware import PRACTICE_SESSION_KEY
from practice.roles import Role

from . import factories as f


def _login(client, email, password=f.PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_staff_login_needs_password_then_totp(client, db):
    p = f.practice()
    therapist = f.member(p, Role.THERAPIST, password=f.PASSWORD)
    response = _login(client, therapist.user.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    # Not logged in yet: the caseload is still out of reach.
    assert client.get(reverse("caseload")).status_code == 302
    assert "_auth_user_id" not in client.session

    bad = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(therapist.user)})
    assert response.status_code == 302
    assert client.get(reverse("caseload")).status_code == 200


def test_wrong_password_is_rate_limited(client, db):
    p = f.practice()
    therapist = f.member(p, Role.THERAPIST, password=f.PASSWORD)
    for _ in range(5):
        assert _login(client, therapist.user.email, "wrong-password-123").status_code == 200
    # The sixth attempt is refused even with the right password.
    response = _login(client, therapist.user.email)
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_open_signup(client, db):
    response = client.post(reverse("account_signup"), {"email": "walkin@example.test", "password1": "x" * 20,
                                                       "password2": "x" * 20})
    assert "Sign Up Closed" in response.content.decode() or response.status_code in (403, 404)
    from practice.models import User

    assert not User.objects.filter(email="walkin@example.test").exists()


def test_password_reset_by_email(client, db):
    p = f.practice()
    member = f.member(p, Role.CLIENT, password=f.PASSWORD)
    client.post(reverse("account_reset_password"), {"email": member.user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    new = "an-entirely-new-passphrase-99"
    response = client.post(response.redirect_chain[-1][0] if response.redirect_chain else link,
                           {"password1": new, "password2": new})
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password(new)


def test_staff_without_mfa_are_sent_to_enrol(client, db):
    p = f.practice()
    for role, home in [(Role.THERAPIST, "caseload"), (Role.SUPERVISOR, "supervision"), (Role.ADMIN, "team")]:
        m = f.member(p, role, mfa=False)
        client.force_login(m.user)
        response = client.get(reverse(home))
        assert response.status_code == 302 and response.url == reverse("mfa_activate_totp"), role
        assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_superuser_without_mfa_cannot_reach_admin(client, db):
    from practice.models import User

    su = User.objects.create_superuser("root@example.test", f.PASSWORD)
    client.force_login(su)
    assert client.get("/django-admin/").url == reverse("mfa_activate_totp")
    TOTP.activate(su, generate_totp_secret())
    assert client.get("/django-admin/").status_code == 200


def test_client_needs_no_mfa_but_may_enable_it(client, db):
    p = f.practice()
    c = f.client(p, f.member(p, Role.THERAPIST))
    client.force_login(c.membership.user)
    assert client.get(reverse("portal")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_staff_cannot_remove_their_authenticator(client, db):
    p = f.practice()
    therapist = f.member(p, Role.THERAPIST)
    client.force_login(therapist.user)
    client.post(reverse("mfa_deactivate_totp"))
    assert f.has_totp(therapist.user)


def test_totp_secret_is_encrypted_at_rest(db):
    p = f.practice()
    therapist = f.member(p, Role.THERAPIST)
    secret = Authenticator.objects.get(user=therapist.user, type="totp").data["secret"]
    assert secret.startswith("gAAAAA")  # a Fernet token, not a base32 secret
    assert len(current_code(therapist.user)) == 6


def test_user_with_no_membership_gets_a_clear_page(client, db):
    loner = f.user(mfa=True)
    client.force_login(loner)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "not a member of any practice" in response.content.decode()


def test_two_practices_one_at_a_time(client, db):
    p, q = f.practice("First Practice"), f.practice("Second Practice")
    m1 = f.member(p, Role.THERAPIST)
    from practice.models import Membership

    m2 = Membership.objects.create(user=m1.user, practice=q, role=Role.SUPERVISOR)
    c1 = f.client(p, m1, full_name="Only In First")
    client.force_login(m1.user)
    assert client.get(reverse("home")).url == reverse("choose_practice")
    page = client.get(reverse("choose_practice")).content.decode()
    assert "First Practice" in page and "Second Practice" in page

    client.post(reverse("choose_practice"), {"practice": str(q.pk)})
    assert client.get(reverse("home")).url == reverse("today")
    # In the second practice, the first practice's client does not exist.
    assert client.get(reverse("client_detail", kwargs={"client_id": c1.pk})).status_code == 404
    assert client.get(reverse("caseload")).status_code == 403

    client.post(reverse("choose_practice"), {"practice": str(p.pk)})
    assert client.get(reverse("client_detail", kwargs={"client_id": c1.pk})).status_code == 200
    assert m2.role == Role.SUPERVISOR


def test_choosing_a_practice_you_are_not_in_changes_nothing(client, db):
    p, q = f.practice(), f.practice()
    m = f.member(p, Role.THERAPIST)
    client.force_login(m.user)
    client.get(reverse("home"))
    response = client.post(reverse("choose_practice"), {"practice": str(q.pk)})
    assert response.status_code == 404
    assert client.session[PRACTICE_SESSION_KEY] == str(p.pk)
    assert client.post(reverse("choose_practice"), {"practice": "garbage"}).status_code == 404


def test_tampered_session_practice_is_ignored(client, db):
    p, q = f.practice(), f.practice()
    m = f.member(p, Role.THERAPIST)
    outsider_client = f.client(q, f.member(q, Role.THERAPIST))
    client.force_login(m.user)
    session = client.session
    session[PRACTICE_SESSION_KEY] = str(q.pk)
    session.save()
    assert client.get(reverse("caseload")).status_code == 200
    assert client.session[PRACTICE_SESSION_KEY] == str(p.pk)
    assert client.get(reverse("client_detail", kwargs={"client_id": outsider_client.pk})).status_code == 404


def test_second_login_from_another_practice_never_mixes_the_two(client, db):
    p, q = f.practice("Alpha"), f.practice("Beta")
    a = f.member(p, Role.CLIENT, password=f.PASSWORD)
    from clients.models import Client

    Client.objects.create(practice=p, membership=a)
    b = f.member(q, Role.CLIENT, password=f.PASSWORD)
    Client.objects.create(practice=q, membership=b)
    _login(client, a.user.email)
    assert "Alpha" in client.get(reverse("portal")).content.decode()
    # A login attempt while logged in changes nothing: still A, nothing of B.
    assert _login(client, b.user.email).status_code == 302
    page = client.get(reverse("portal")).content.decode()
    assert "Alpha" in page and "Beta" not in page
    assert client.session["_auth_user_id"] == str(a.user.pk)
    # After logging out, B sees only B's practice; the old practice choice is gone.
    client.post(reverse("account_logout"))
    _login(client, b.user.email)
    page = client.get(reverse("portal")).content.decode()
    assert "Beta" in page and "Alpha" not in page


def test_times_are_shown_in_the_viewers_zone(client, db):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sessions.models import TherapySession

    p = f.practice()
    therapist = f.member(p, Role.THERAPIST, time_zone="Asia/Tokyo")
    c = f.client(p, therapist)
    TherapySession.objects.create(client=c, practitioner=therapist, kind="therapy",
                                  scheduled_start=datetime(2099, 1, 5, 1, 0, tzinfo=ZoneInfo("UTC")))
    client.force_login(therapist.user)
    page = client.get(reverse("caseload")).content.decode()
    assert "Mon 5 Jan 2099, 10:00" in page  # 01:00 UTC is 10:00 in Tokyo


def test_staff_are_signed_out_after_15_idle_minutes_clients_after_60(world):
    import time_machine
    from django.test import Client as WebClient
    from django.utils import timezone


    staff, client = WebClient(), WebClient()
    staff.force_login(world.therapist.user)
    client.force_login(world.client.membership.user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert staff.get(reverse("caseload")).status_code == 200
        assert client.get(reverse("portal")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert staff.get(reverse("caseload")).status_code == 200  # activity resets the clock
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        response = staff.get(reverse("caseload"))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
        assert client.get(reverse("portal")).status_code == 200  # 30 minutes: within the client's 60
    with time_machine.travel(start + timedelta(minutes=30 + 61), tick=False):
        assert client.get(reverse("portal")).status_code == 302
    assert staff.get(reverse("caseload")).status_code == 302  # still signed out


def test_sessions_end_when_the_browser_closes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_staff_sessions_authenticator_is_looked_up_once_not_on_every_page(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = f.practice()
    therapist = f.member(p, Role.THERAPIST, mfa=True)
    client.force_login(therapist.user)

    def lookups() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("caseload")).status_code == 200
        return sum("mfa_authenticator" in q["sql"] for q in ctx.captured_queries)

    assert [lookups(), lookups(), lookups()] == [1, 0, 0]
    # Another user in the same browser session is looked up again.
    other = f.member(p, Role.THERAPIST, mfa=False)
    client.force_login(other.user)
    assert client.get(reverse("caseload")).url == reverse("mfa_activate_totp")
