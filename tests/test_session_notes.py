"""Session notes: drafts, signing locks them in the database, addenda, co-signing, overdue notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import TherapySession
from sessions.notes.models import NoteAddendum, NoteCoSignature, SessionNote


@pytest.fixture
def session(world):
    return TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                         status="completed", scheduled_start=timezone.now() - timedelta(hours=8),
                                         ended_at=timezone.now() - timedelta(hours=2))


def login(world, role):
    c = Client()
    c.force_login(world.membership(role).user)
    return c


def note_url(world, session, suffix=""):
    return reverse(f"session_note{suffix}" if not suffix else suffix,
                   kwargs={"client_id": world.client.pk, "session_id": session.pk})


def test_draft_then_sign_locks_the_note(world, session):
    c = login(world, "therapist")
    url = note_url(world, session)
    assert "Write what the client said" in c.get(url).content.decode()
    c.post(url, {"summary": "Client: 'I felt my chest soften.'", "action": "save"})
    note = SessionNote.objects.get()
    assert note.signed_at is None
    c.post(url, {"summary": "Client: 'I felt my chest soften.'", "adverse_events": "none", "action": "sign"})
    note.refresh_from_db()
    assert note.signed_at is not None
    c.post(url, {"summary": "rewritten", "action": "sign"})
    note.refresh_from_db()
    assert note.content["summary"] == "Client: 'I felt my chest soften.'"
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(content={"summary": "rewritten"})
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM therapy_sessions_sessionnote WHERE id = %s", [note.pk])


def test_an_empty_note_cannot_be_signed(world, session):
    response = login(world, "therapist").post(note_url(world, session), {"action": "sign"})
    assert response.status_code == 400 and "empty note" in response.content.decode()
    assert not SessionNote.objects.exists()


def test_addenda_are_signed_and_append_only(world, session):
    c = login(world, "therapist")
    c.post(note_url(world, session), {"summary": "Draft", "action": "save"})
    addendum_url = reverse("note_addendum", kwargs={"client_id": world.client.pk, "session_id": session.pk})
    page = c.post(addendum_url, {"text": "Too early"}, follow=True).content.decode()
    assert "still a draft" in page and not NoteAddendum.objects.exists()
    c.post(note_url(world, session), {"summary": "Final", "action": "sign"})
    c.post(addendum_url, {"text": "Client later clarified: 'it was my left arm'."})
    addendum = NoteAddendum.objects.get()
    assert addendum.author == world.therapist and addendum.signed_at
    with pytest.raises(IntegrityError), transaction.atomic():
        NoteAddendum.objects.filter(pk=addendum.pk).update(text="changed")
    detail = c.get(reverse("session_detail", kwargs={"client_id": world.client.pk, "session_id": session.pk}))
    assert "it was my left arm" in detail.content.decode()


def test_only_the_authors_supervisor_co_signs_once(world, session):
    login(world, "therapist").post(note_url(world, session), {"summary": "Final", "action": "sign"})
    cosign_url = reverse("note_cosign", kwargs={"client_id": world.client.pk, "session_id": session.pk})
    assert login(world, "unrelated_supervisor").post(cosign_url).status_code == 404
    assert login(world, "therapist").post(cosign_url).status_code == 403
    sup = login(world, "supervisor")
    sup.post(cosign_url, {"comment": "Reviewed in supervision."})
    again = sup.post(cosign_url, follow=True).content.decode()
    assert "already co-signed" in again
    assert NoteCoSignature.objects.get().comment == "Reviewed in supervision."


def test_supervisor_cannot_write_the_note(world, session):
    assert login(world, "supervisor").post(note_url(world, session), {"summary": "x", "action": "sign"}).status_code == 403
    assert not SessionNote.objects.exists()


@pytest.mark.parametrize("hours_ago,shown", [(71, False), (73, True)])
def test_unsigned_notes_after_72_hours_show_for_therapist_and_supervisor(world, session, hours_ago, shown):
    TherapySession.objects.filter(pk=session.pk).update(ended_at=timezone.now() - timedelta(hours=hours_ago))
    caseload = login(world, "therapist").get(reverse("caseload")).content.decode()
    supervision = login(world, "supervisor").get(reverse("supervision")).content.decode()
    assert ("Notes not signed within 72 hours" in caseload) is shown
    assert ("Notes not signed within 72 hours" in supervision) is shown
    unrelated = login(world, "unrelated_supervisor").get(reverse("supervision")).content.decode()
    assert "Notes not signed within 72 hours" not in unrelated


def test_a_signed_note_is_no_longer_overdue(world, session):
    TherapySession.objects.filter(pk=session.pk).update(ended_at=timezone.now() - timedelta(hours=100))
    c = login(world, "therapist")
    c.post(note_url(world, session), {"summary": "Done", "action": "sign"})
    assert "Notes not signed within 72 hours" not in c.get(reverse("caseload")).content.decode()


def test_a_supervisor_has_a_queue_of_notes_to_co_sign_that_empties_as_they_sign(world, session):
    login(world, "therapist").post(note_url(world, session), {"summary": "Final", "action": "sign"})
    sup = login(world, "supervisor")
    detail_url = reverse("session_detail", kwargs={"client_id": world.client.pk, "session_id": session.pk})
    for page_name in ("supervision", "today"):
        page = sup.get(reverse(page_name)).content.decode()
        assert f'{detail_url}#note-h' in page, page_name
    assert "Notes awaiting your co-signature (1)" in sup.get(reverse("supervisee_review", args=[world.therapist.pk])
                                                             ).content.decode()
    assert f'{detail_url}#note-h' not in login(world, "unrelated_supervisor").get(reverse("supervision")).content.decode()
    assert "Co-sign this note" in sup.get(detail_url).content.decode()
    sup.post(reverse("note_cosign", kwargs={"client_id": world.client.pk, "session_id": session.pk}), {"comment": ""})
    detail = sup.get(detail_url).content.decode()
    assert "Co-sign this note" not in detail and "Co-signed by Sue Supervisor" in detail  # the form is gone
    assert "Notes awaiting your co-signature (0)" in sup.get(reverse("supervision")).content.decode()
    assert "Note to co-sign" not in sup.get(reverse("today")).content.decode()
