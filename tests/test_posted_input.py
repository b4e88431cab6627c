"""POSTs that used to read raw fields: each now goes through a form. NUL bytes, malformed ids
and items from elsewhere get a message and change nothing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from practice.accountability.concerns.services import concern_raise
from practice.accountability.review.models import ReviewMark
from sessions.checkins.models import CheckInAcknowledgement, CheckInAnswer

from .test_checkins import ANSWER, sent_checkin


def _as(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_checkin_acknowledgement_with_a_nul_byte_is_refused(client, world):
    client.post(sent_checkin(world), {**ANSWER, "harm_thoughts": "yes", "harm_intent": "on"})
    answer = CheckInAnswer.objects.get()
    url = reverse("checkin_acknowledge", kwargs={"client_id": world.client.pk, "answer_id": answer.pk})
    therapist = _as(world.therapist.user)
    response = therapist.post(url, {"note": "called\x00her"}, follow=True)
    assert response.status_code == 200 and "Not acknowledged" in response.content.decode()
    assert not CheckInAcknowledgement.objects.exists()
    therapist.post(url, {"note": "Called her; safe."})
    assert CheckInAcknowledgement.objects.get().note == "Called her; safe."


def test_review_marks_name_an_item_of_the_page_and_take_its_client(world):
    mine = concern_raise(client=world.client, by=world.client.membership, about_id=world.therapist.pk,
                         category="boundary", text="About my therapist.")
    other = concern_raise(client=world.other_client, by=world.other_client.membership,
                          about_id=world.other_therapist.pk, category="boundary", text="About someone else.")
    supervisor = _as(world.supervisor.user)
    url = reverse("supervisee_mark", kwargs={"therapist_id": world.therapist.pk})
    for bad in [{"item": "concern", "item_id": str(other.pk)},          # not this supervisee's
                {"item": "concern", "item_id": "not-an-id"},
                {"item": "concern", "item_id": "a\x00b"},
                {"item": "danger", "item_id": "99999999999999999999"},
                {"item": "nothing", "item_id": str(mine.pk)},
                {"item": "concern", "item_id": str(mine.pk), "note": "x\x00"}]:
        response = supervisor.post(url, bad, follow=True)
        assert response.status_code == 200 and "Not marked" in response.content.decode(), bad
    assert not ReviewMark.objects.exists()
    supervisor.post(url, {"item": "concern", "item_id": str(mine.pk), "client": str(world.other_client.pk),
                          "note": "Discussed in supervision."})
    mark = ReviewMark.objects.get()
    assert mark.client_id == world.client.pk and mark.item_id == str(mine.pk)


def test_alliance_acknowledgement_goes_through_a_form(world):
    supervisor = _as(world.supervisor.user)
    url = reverse("alliance_acknowledge", kwargs={"client_id": world.client.pk, "alert_id": 1})
    assert supervisor.post(url, {"note": "\x00"}).status_code == 404  # no such alert: nothing to acknowledge


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_text_field_of_every_form_refuses_nul():
    """Django's CharField refuses NUL (ProhibitNullCharactersValidator): the one place it is
    refused, for every text field of every form of ours (PostgreSQL cannot store it)."""
    import importlib
    import pkgutil

    from django import forms
    from django.core.validators import ProhibitNullCharactersValidator

    for app in ("practice", "clients", "sessions", "screening"):
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "forms" in info.name:
                importlib.import_module(info.name)
    ours = [c for c in _subclasses(forms.BaseForm) if c.__module__.split(".")[0] in
            ("practice", "clients", "sessions", "screening")]
    assert len(ours) >= 10
    for form in ours:
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField):
                assert any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators), (form, name)
