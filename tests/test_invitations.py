"""Invitations: the only way in. Emailed, single-use, expiring; bad links change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.invitations.services import InvitationError, invitation_accept, invitation_create
from clients.models import CaseloadAssignment, Client
from practice.models import Invitation, Membership, User

from . import factories as f

NEW_PASSWORD = "a-long-and-unusual-passphrase-77"


def _link_from_outbox() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/invite/[^/\s]+/)", mail.outbox[0].body).group(1)


def _accept(client, link, **overrides):
    data = {"full_name": "New Person", "time_zone": "Europe/Berlin", "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD, **overrides}
    return client.post(link, data)


def test_admin_invites_a_therapist_who_sets_a_password(client, world):
    client.force_login(world.admin.user)
    response = client.post(reverse("invite_staff"), {"full_name": "Nia New", "email": "Nia@Example.test", "role": "therapist"})
    assert response.status_code == 302
    link = _link_from_outbox()
    assert "Harbour Practice" in mail.outbox[0].body
    client.logout()

    assert client.get(link).status_code == 200
    response = _accept(client, link, full_name="Nia New")
    assert response.status_code == 302
    user = User.objects.get(email="nia@example.test")
    assert user.password.startswith("argon2")
    assert user.time_zone == "Europe/Berlin"
    assert Membership.objects.get(user=user).role == "therapist"
    # Logged in, but a new staff member must enrol MFA before anything else.
    response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_invitation_is_single_use(client, world):
    new = invitation_create(inviter=world.admin, email="once@example.test", role="supervisor")
    link = f"/invite/{new.token}/"
    assert _accept(client, link).status_code == 302
    client.logout()
    response = _accept(client, link, full_name="Second Try")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert User.objects.filter(email="once@example.test").count() == 1
    assert Membership.objects.filter(user__email="once@example.test").count() == 1


def test_expired_invitation_changes_nothing(client, world):
    new = invitation_create(inviter=world.admin, email="late@example.test", role="therapist")
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        response = _accept(client, f"/invite/{new.token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.test").exists()


def test_invitation_still_valid_just_before_expiry(client, world):
    new = invitation_create(inviter=world.admin, email="ontime@example.test", role="therapist")
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=-5)):
        assert _accept(client, f"/invite/{new.token}/").status_code == 302


def test_revoked_and_tampered_links_change_nothing(client, world):
    new = invitation_create(inviter=world.admin, email="revoked@example.test", role="therapist")
    client.force_login(world.admin.user)
    client.post(reverse("revoke_invitation", kwargs={"invitation_id": new.invitation.pk}))
    client.logout()
    response = _accept(client, f"/invite/{new.token}/")
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    for bad in (new.token[:-1] + ("A" if new.token[-1] != "A" else "B"), "x", "%00", "a" * 500):
        assert _accept(client, f"/invite/{bad}/").status_code in (404, 410)
    assert not User.objects.filter(email="revoked@example.test").exists()


def test_bad_form_input_shows_errors_and_creates_nothing(client, world):
    new = invitation_create(inviter=world.admin, email="typo@example.test", role="therapist")
    link = f"/invite/{new.token}/"
    response = _accept(client, link, password2="something-else-entirely")
    assert response.status_code == 400
    assert "do not match" in response.content.decode()
    response = _accept(client, link, password1="short", password2="short")
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    response = _accept(client, link, time_zone="Mars/Olympus")
    assert response.status_code == 400
    assert not User.objects.filter(email="typo@example.test").exists()
    new.invitation.refresh_from_db()
    assert new.invitation.accepted_at is None


def test_therapist_invites_client_onto_own_caseload(client, world):
    client.force_login(world.therapist.user)
    response = client.post(reverse("invite_client"), {"full_name": "Kit Newclient", "email": "kit@example.test"})
    assert response.status_code == 302
    body = mail.outbox[0].body
    assert "client portal of Harbour Practice" in body
    link = _link_from_outbox()
    client.logout()
    assert _accept(client, link, full_name="Kit Newclient").status_code == 302
    new_client = Client.objects.get(membership__user__email="kit@example.test")
    assert CaseloadAssignment.objects.filter(client=new_client, therapist=world.therapist).exists()
    # A client needs no MFA: the portal opens straight away.
    assert client.get(reverse("portal")).status_code == 200


def test_existing_user_joins_a_second_practice(client, world):
    new = invitation_create(inviter=world.outsider_admin, email=world.therapist.user.email, role="therapist")
    link = f"/invite/{new.token}/"
    page = client.get(link).content.decode()
    assert "already have an account" in page
    client.force_login(world.therapist.user)
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=world.therapist.user).count() == 2
    response = client.get(reverse("caseload"))
    assert response.status_code == 200  # the practice just joined is the current one
    assert "Elsewhere Practice" in response.content.decode()


def test_logged_in_as_someone_else_changes_nothing(client, world):
    new = invitation_create(inviter=world.admin, email="intended@example.test", role="therapist")
    client.force_login(world.other_therapist.user)
    response = client.post(f"/invite/{new.token}/")
    assert response.status_code == 409
    new.invitation.refresh_from_db()
    assert new.invitation.accepted_at is None
    assert not Membership.objects.filter(user=world.other_therapist.user, practice=world.practice).exclude(
        pk=world.other_therapist.pk).exists()


def test_roles_limit_who_can_be_invited(world):
    with pytest.raises(InvitationError):
        invitation_create(inviter=world.therapist, email="x@example.test", role="therapist")
    with pytest.raises(InvitationError):
        invitation_create(inviter=world.admin, email="x@example.test", role="client")
    with pytest.raises(InvitationError):
        invitation_create(inviter=world.supervisor, email="x@example.test", role="client")
    with pytest.raises(InvitationError):  # already a member
        invitation_create(inviter=world.admin, email=world.therapist.user.email.upper(), role="supervisor")
    assert not Invitation.objects.filter(email="x@example.test").exists()


def test_invite_form_errors_are_shown_not_500(client, world):
    client.force_login(world.admin.user)
    response = client.post(reverse("invite_staff"), {"full_name": "", "email": "not-an-email", "role": "client"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address" in page and "Select a valid choice" in page
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_only_hash_of_token_is_stored(world):
    new = invitation_create(inviter=world.admin, email="hash@example.test", role="therapist")
    assert new.token not in new.invitation.token_hash
    assert len(new.invitation.token_hash) == 64


def test_concurrent_double_accept_is_refused(world):
    new = invitation_create(inviter=world.admin, email="race@example.test", role="therapist")
    invitation_accept(token=new.token, full_name="First", password=NEW_PASSWORD)
    with pytest.raises(InvitationError):
        invitation_accept(token=new.token, full_name="Second", password=NEW_PASSWORD)
    assert User.objects.filter(email="race@example.test").count() == 1


def test_email_has_no_clinical_content(client, world):
    f.session(world.client, world.therapist, kind="medicine")
    client.force_login(world.therapist.user)
    client.post(reverse("invite_client"), {"full_name": "Lee Private", "email": "lee@example.test"})
    message = mail.outbox[0]
    text = message.body + message.alternatives[0][0]
    for word in ("MDMA", "medicine", "screening", "Lee Private", "Cora"):
        assert word not in text


def test_create_practice_invites_its_first_admin(client, db, django_capture_on_commit_callbacks):
    from django.core.management import CommandError, call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_practice", "New Dawn Practice", "Founder@Example.test", "--time-zone", "Europe/Oslo",
                     stdout=open("/dev/null", "w"))  # noqa: SIM115
    link = _link_from_outbox()
    assert "The practice team invited you to join New Dawn Practice as practice admin" in mail.outbox[0].body
    assert _accept(client, link, full_name="Fran Founder").status_code == 302
    m = Membership.objects.get(user__email="founder@example.test")
    assert m.role == "admin" and m.practice.name == "New Dawn Practice" and m.practice.time_zone == "Europe/Oslo"
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_practice", "new dawn practice", "other@example.test")
    with pytest.raises(CommandError):
        call_command("create_practice", "Another", "not-an-email")
    with pytest.raises(CommandError):
        call_command("create_practice", "Another", "a@example.test", "--time-zone", "Nowhere/Land")
