"""Smaller findings of the two-practice probe: link pages are never cached, plain-text emails
carry names as typed, flash messages stay on the server, a missed check-in says it may still
be answered."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from sessions.checkins import services as svc
from sessions.checkins.models import CheckIn

from .test_checkins import ANSWER, email_consent, make_due, sent_checkin


def test_link_pages_with_clinical_content_are_never_cached(client, world):
    link = sent_checkin(world)
    form = client.get(link)
    assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    thanks = client.post(link, {**ANSWER, "harm_thoughts": "yes", "harm_intent": "on"})
    assert "Please reach out for support now" in thanks.content.decode()
    assert "no-store" in thanks["Cache-Control"] and "private" in thanks["Cache-Control"]
    for anonymous_page in (reverse("account_login"), "/c/not-a-token/"):
        assert "no-store" in client.get(anonymous_page)["Cache-Control"]


def test_plain_text_emails_carry_names_as_typed(world):
    email_consent(world)
    user = world.client.membership.user
    user.full_name = "D'Arcy Client"
    user.save(update_fields=["full_name"])
    type(world.practice).objects.filter(pk=world.practice.pk).update(name="Harbour & Hill's Practice")
    make_due(world)
    [checkin_id] = svc.claim_due()
    svc.send(checkin_id)
    body = mail.outbox[0].body
    assert "D'Arcy" in body and "Harbour & Hill's Practice" in body
    assert "&#x27;" not in body and "&amp;" not in body
    assert "Harbour & Hill's Practice" in mail.outbox[0].subject
    html = mail.outbox[0].alternatives[0][0]
    assert "D&#x27;Arcy" in html and "Harbour &amp; Hill&#x27;s" in html  # the HTML part stays escaped


def test_flash_messages_are_kept_in_the_session_not_a_cookie(world):
    therapist = Client()
    therapist.force_login(world.therapist.user)
    response = therapist.post(reverse("client_stage", kwargs={"client_id": world.client.pk}), {"stage": "screening"})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "Cora Client" not in str(response.cookies)


def test_a_missed_check_in_says_it_may_still_be_answered(client, world):
    link = sent_checkin(world)
    CheckIn.objects.update(state=CheckIn.State.MISSED)
    page = client.get(link).content.decode()
    assert "marked as missed" in page and "You can still answer it" in page
    assert client.post(link, ANSWER).status_code == 200
    assert CheckIn.objects.get().state == CheckIn.State.ANSWERED
