"""Accountability: client concerns, practitioner profiles, supervisor review, log views, the
client's own copy of their records."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.accountability.concerns import services as concern_service
from practice.accountability.concerns.models import Concern, ConcernEntry
from practice.accountability.review.models import ReviewMark
from practice.audit.models import AccessEvent, AuditEvent
from practice.models import PractitionerProfile

from . import factories


def login(member):
    c = Client()
    c.force_login(member.user)
    return c


def raise_concern(world, client=None, text="He texted me late at night."):
    from django.test import TestCase

    me = login(world.client.membership)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the reviewers' emails go after the commit
        response = me.post(reverse("portal_concerns"), {"about": str(world.therapist.pk), "category": "boundary",
                                                         "text": text})
    assert response.status_code == 302, response.content.decode()
    return Concern.objects.order_by("-created_at").first(), me  # the one just raised


# --- concerns ------------------------------------------------------------------------------

def test_a_concern_reaches_supervisor_and_contact_never_the_practitioner(world):
    world.practice.accountability_contact = world.other_therapist
    world.practice.save(update_fields=["accountability_contact"])
    concern, _ = raise_concern(world)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([world.supervisor.user.email, world.other_therapist.user.email])
    assert all("texted" not in m.body and "boundary" not in m.body.lower() for m in mail.outbox)
    detail = reverse("concern_detail", kwargs={"concern_id": concern.pk})
    assert login(world.therapist).get(detail).status_code == 404
    assert "texted me late" not in login(world.therapist).get(reverse("concerns")).content.decode()
    assert "He texted me late at night." in login(world.supervisor).get(detail).content.decode()
    assert "He texted me late at night." in login(world.other_therapist).get(detail).content.decode()
    assert login(world.admin).get(detail).status_code == 404  # a contact is named, so admins are not reviewers
    assert login(world.unrelated_supervisor).get(detail).status_code == 404


def test_without_a_contact_the_admins_review(world):
    concern, _ = raise_concern(world)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.supervisor.user.email, world.admin.user.email])
    assert login(world.admin).get(reverse("concern_detail", kwargs={"concern_id": concern.pk})).status_code == 200


def test_nobody_reviews_a_concern_about_themselves(world):
    world.practice.accountability_contact = world.therapist
    world.practice.save(update_fields=["accountability_contact"])
    concern, _ = raise_concern(world)
    assert world.therapist.user.email not in [m.to[0] for m in mail.outbox]
    assert login(world.therapist).get(reverse("concern_detail", kwargs={"concern_id": concern.pk})).status_code == 404


def test_the_reviewer_shares_it_and_then_the_practitioner_sees_the_clients_words_only(world):
    concern, me = raise_concern(world)
    detail = reverse("concern_detail", kwargs={"concern_id": concern.pk})
    supervisor = login(world.supervisor)
    supervisor.post(detail, {"text": "Internal: spoke to the client by phone.", "status": "in_review"})
    assert login(world.therapist).get(detail).status_code == 404  # a note is not sharing
    supervisor.post(detail, {"share": "on"})
    page = login(world.therapist).get(detail).content.decode()
    assert "He texted me late at night." in page and "Internal: spoke" not in page and "Being reviewed" in page
    assert login(world.therapist).post(detail, {"text": "x", "status": "resolved"}).status_code == 404
    # The client follows it and adds to it; they see the status, not the reviewer's notes.
    portal = reverse("portal_concern", kwargs={"concern_id": concern.pk})
    me.post(portal, {"text": "It happened again."})
    page = me.get(portal).content.decode()
    assert "It happened again." in page and "Being reviewed" in page and "Internal: spoke" not in page


def test_bad_concern_input_stores_nothing(world):
    me = login(world.client.membership)
    url = reverse("portal_concerns")
    for data in ({}, {"about": str(world.therapist.pk), "category": "boundary", "text": "  "},
                 {"about": str(world.other_therapist.pk), "category": "boundary", "text": "x"},
                 {"about": str(world.therapist.pk), "category": "nonsense", "text": "x"}):
        assert me.post(url, data).status_code == 400
    assert Concern.objects.count() == 0
    with pytest.raises(PermissionDenied):
        concern_service.concern_raise(client=world.client, by=world.therapist, about_id=world.therapist.pk,
                                      category="other", text="forged")


def test_concerns_cannot_be_edited_or_deleted(world):
    concern, _ = raise_concern(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConcernEntry.objects.update(text="changed")
    assert login(world.supervisor).post(reverse("concern_detail", kwargs={"concern_id": concern.pk}),
                                        {}).status_code == 400  # an empty review adds nothing
    assert ConcernEntry.objects.count() == 1


# --- practitioner profile --------------------------------------------------------------------

def profile_data(**overrides):
    return {"full_name": "Tess Therapist", "time_zone": "Europe/Berlin", "cred-credentials": "Training 2024",
            "cred-licence_type": "LCSW", "cred-licence_number": "123", "cred-licence_board": "Board of Social Work",
            "cred-licence_jurisdiction": "Oregon", "cred-ethics_statement": "I keep to the code.", **overrides}


@pytest.mark.parametrize("overrides,error", [
    ({"cred-licence_number": ""}, "Give the whole licence"),
    ({"cred-unlicensed": "on"}, "Either give your licence"),
    ({"cred-unlicensed": "on", "cred-licence_type": "", "cred-licence_number": "", "cred-licence_board": "",
      "cred-licence_jurisdiction": ""}, "Describe your scope of care"),
])
def test_profile_needs_a_whole_licence_or_a_scope_of_care(world, overrides, error):
    response = login(world.therapist).post(reverse("profile"), profile_data(**overrides))
    assert response.status_code == 400 and error in response.content.decode()
    assert not PractitionerProfile.objects.exists()


def test_admin_verifies_and_a_changed_licence_needs_verifying_again(world):
    therapist = login(world.therapist)
    assert therapist.post(reverse("profile"), profile_data()).status_code == 302
    admin = login(world.admin)
    admin.post(reverse("practitioners"), {"member": str(world.therapist.pk), "verification": "verified"})
    profile = PractitionerProfile.objects.get()
    assert profile.verification == "verified" and profile.verified_by == world.admin
    portal = login(world.client.membership).get(reverse("portal")).content.decode()
    assert "LCSW, no. 123, issued by Board of Social Work (Oregon)" in portal and "verified by the practice" in portal
    assert "I keep to the code." in portal and "Supervised by: Sue Supervisor" in portal
    therapist.post(reverse("profile"), profile_data(**{"cred-ethics_statement": "Updated."}))
    assert PractitionerProfile.objects.get().verification == "verified"  # not a licence change
    therapist.post(reverse("profile"), profile_data(**{"cred-licence_number": "124"}))
    assert PractitionerProfile.objects.get().verification == "unverified"
    outsider_admin = login(world.outsider_admin)
    assert outsider_admin.post(reverse("practitioners"), {"member": str(world.therapist.pk),
                                                          "verification": "verified"}).status_code == 404


def test_admin_names_the_accountability_contact(world):
    admin = login(world.admin)
    admin.post(reverse("practitioners"), {"acc-contact": str(world.supervisor.pk)})
    world.practice.refresh_from_db()
    assert world.practice.accountability_contact == world.supervisor


# --- supervisor review ---------------------------------------------------------------------

def test_review_page_lists_items_and_marks_are_kept(world):
    from screening.models import CautionAcknowledgement, ScreeningReview

    review = ScreeningReview.objects.create(client=world.client, as_of=timezone.localdate(), policy={},
                                            table_version="t", flags=[], complete=True)
    ack = CautionAcknowledgement.objects.create(client=world.client, review=review, flag_key="seizure_history",
                                                flag_digest="d", rationale="Neurologist cleared it.",
                                                acknowledged_by=world.therapist)
    raise_concern(world)
    supervisor = login(world.supervisor)
    url = reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk})
    page = supervisor.get(url).content.decode()
    assert "Neurologist cleared it." in page and "Client concerns about this therapist (1)" in page
    response = supervisor.post(reverse("supervisee_mark", kwargs={"therapist_id": world.therapist.pk}),
                               {"item": "caution", "item_id": str(ack.pk), "client": str(world.client.pk),
                                "note": "Agree."})
    assert response.status_code == 302
    assert "Reviewed by Sue Supervisor" in supervisor.get(url).content.decode()
    assert AuditEvent.objects.filter(table_name="practice_reviewmark", actor=world.supervisor.user).exists()
    unrelated = login(world.unrelated_supervisor)
    assert unrelated.get(url).status_code == 404
    assert unrelated.post(reverse("supervisee_mark", kwargs={"therapist_id": world.therapist.pk}),
                          {"item": "caution", "item_id": "1"}).status_code == 404
    assert ReviewMark.objects.count() == 1


def test_danger_checkins_show_how_fast_they_were_acknowledged(world):
    from sessions.checkins.models import CheckIn, CheckInAcknowledgement, CheckInAnswer
    from sessions.models import TherapySession

    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            status="completed", scheduled_start=timezone.now() - timedelta(days=2))
    checkin = CheckIn.objects.create(client=world.client, session=session, day=1, due_at=timezone.now(), state="answered")
    answer = CheckInAnswer.objects.create(checkin=checkin, mood=2, sleep="poor", worsening="severe", harm_thoughts=False,
                                          danger=True, submitted_at=timezone.now() - timedelta(hours=3))
    CheckInAcknowledgement.objects.create(answer=answer, by=world.therapist, at=answer.submitted_at + timedelta(minutes=95))
    page = login(world.supervisor).get(reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk}))
    assert "acknowledged after 1 h 35 min" in page.content.decode()


# --- log views -----------------------------------------------------------------------------

def test_admin_filters_the_audit_trail_and_sees_fields_not_values(world):
    world.client.stage = "screening"
    world.client.save(update_fields=["stage"])
    admin = login(world.admin)
    page = admin.get(reverse("audit_log"), {"log": "audit", "kind": "clients_client",
                                            "client": str(world.client.pk)}).content.decode()
    assert "changed the client record of Cora Client." in page and "Changed: stage." in page
    assert "Values" not in page  # admins see which fields changed, not their values
    response = admin.get(reverse("audit_log"), {"log": "audit", "client": str(world.client.pk), "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["At (UTC)", "What happened"]
    assert any(r[1].endswith("changed the client record of Cora Client") and r[3] == "client record" and r[6] == "stage"
               for r in rows[1:])
    bad = admin.get(reverse("audit_log"), {"since": "2026-02-02", "until": "2026-01-01"})
    assert bad.status_code == 400 and "before the start date" in bad.content.decode()


def test_supervisor_sees_only_their_scope_and_values(world):
    for c in (world.client, world.other_client):
        c.stage = "screening"
        c.save(update_fields=["stage"])
    login(world.therapist).get(reverse("client_detail", kwargs={"client_id": world.client.pk}))
    login(world.other_therapist).get(reverse("client_detail", kwargs={"client_id": world.other_client.pk}))
    supervisor = login(world.supervisor)
    page = supervisor.get(reverse("audit_log"), {"log": "audit"}).content.decode()
    assert "Cora Client" in page and "Dan Different" not in page and "Values" in page
    reads = supervisor.get(reverse("audit_log"), {"log": "access"}).content.decode().split('<ol class="log"')[1]
    assert "Tess Therapist opened the record of Cora Client." in reads and "Otto Other" not in reads
    outsider = login(world.outsider_admin).get(reverse("audit_log"), {"log": "audit"}).content.decode()
    assert "Cora Client" not in outsider


def test_csv_export_neutralises_formulas(world):
    evil = factories.client(world.practice, world.therapist, full_name="=HYPERLINK(1)")
    evil.stage = "screening"
    evil.save(update_fields=["stage"])
    response = login(world.admin).get(reverse("audit_log"), {"log": "audit", "format": "csv"})
    assert "'=HYPERLINK(1)" in response.content.decode()


# --- the client's own copy ---------------------------------------------------------------

def _prepared_copy(me, django_capture_on_commit_callbacks):
    """Ask for a copy as the client and run what the worker runs (tests/test_celery_worker.py
    runs it in a real worker)."""
    from clients.export.models import RecordsExport
    from practice.accountability.records.services import export_build

    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert me.post(reverse("my_records_prepare")).status_code == 302
    assert len(queued) == 1  # the build is queued after the request's transaction commits
    export = RecordsExport.objects.filter(client__membership__user=me.session["_auth_user_id"]).latest("requested_at")
    assert "being prepared" in me.get(reverse("my_records")).content.decode()
    assert export_build(export.pk) == "ready"
    return RecordsExport.objects.get(pk=export.pk)


def test_client_downloads_a_zip_of_their_records_and_sees_who_viewed_them(world, django_capture_on_commit_callbacks):
    from sessions.flightplans.services import plan_save

    from .test_access_matrix import signed_consent

    signed_consent(world)
    plan_save(client=world.client, author=world.therapist.user, content={"intentions": "Rest"})
    login(world.supervisor).get(reverse("client_detail", kwargs={"client_id": world.client.pk}))
    me = login(world.client.membership)
    page = me.get(reverse("my_records")).content.decode()
    assert "<strong>Sue Supervisor</strong> (Supervisor) opened your record on" in page
    export = _prepared_copy(me, django_capture_on_commit_callbacks)
    page = me.get(reverse("my_records")).content.decode()
    assert reverse("my_records_download", kwargs={"export_id": export.pk}) in page
    response = me.get(reverse("my_records_download", kwargs={"export_id": export.pk}))
    assert response["Content-Type"] == "application/zip" and "no-store" in response["Cache-Control"]
    z = zipfile.ZipFile(io.BytesIO(response.content))
    names = z.namelist()
    assert "records.json" in names and any(n.startswith("consents/informed-v1") for n in names)
    assert "flight-plans/flight-plan-v1.pdf" in names
    from pypdf import PdfReader

    from .wordscan import code_names

    readable = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(z.read("my-records.pdf"))).pages)
    assert "What you want to work on: Rest" in readable and "Informed consent to MDMA-assisted therapy, version 1: signed" \
        in readable
    assert not code_names(readable), code_names(readable)  # words, not code, in the readable copy
    data = json.loads(z.read("records.json"))
    assert data["client"]["name"] == "Cora Client" and data["flight_plans"][0]["content"]["intentions"] == "Rest"
    assert data["consents"][0]["version__template__kind"] == "informed"
    other = login(world.other_client.membership)
    assert other.get(reverse("my_records_download", kwargs={"export_id": export.pk})).status_code == 404
    other_export = _prepared_copy(other, django_capture_on_commit_callbacks)
    assert "Cora Client" not in json.loads(zipfile.ZipFile(io.BytesIO(
        other.get(reverse("my_records_download", kwargs={"export_id": other_export.pk})).content))
        .read("records.json"))["client"]["name"]
    assert AccessEvent.objects.filter(clients__contains=[world.client.pk]).count() == 1  # own reads are not staff reads
    trail = AuditEvent.objects.filter(table_name="clients_recordsexport", row_id=str(export.pk)).order_by("id")
    assert [e.operation for e in trail] == ["insert", "update", "update"]  # asked, ready, downloaded
    assert trail[0].actor_id == world.client.membership.user_id and trail[2].new["downloaded_at"]
    assert not any("content" in (e.new or {}) for e in AuditEvent.objects.filter(table_name__contains="export"))


def test_a_copy_lasts_a_day_then_is_deleted(world, django_capture_on_commit_callbacks):
    import time_machine

    from clients.export.models import RecordsExport, RecordsExportFile
    from practice.accountability.records.tasks import records_exports_housekeeping

    me = login(world.client.membership)
    export = _prepared_copy(me, django_capture_on_commit_callbacks)
    again = me.post(reverse("my_records_prepare"), follow=True).content.decode()
    assert "from a moment ago" in again and RecordsExport.objects.count() == 1
    url = reverse("my_records_download", kwargs={"export_id": export.pk})
    with time_machine.travel(export.expires_at + timedelta(minutes=1)):
        assert records_exports_housekeeping.run() == {"expired": 1, "requeued": 0}
        response = login(world.client.membership).get(url)  # a day later: a new login
        assert response.status_code == 410 and "deleted" in response.content.decode()
    assert not RecordsExportFile.objects.exists()
    assert RecordsExport.objects.get().state == "expired"


def test_a_long_history_no_longer_builds_in_the_request(world, django_assert_max_num_queries):
    """518 flight-plan versions took 71 s to export inside a request; now the request only
    records the wish (a bounded number of queries, whatever the history)."""
    from sessions.flightplans.models import FlightPlanVersion

    FlightPlanVersion.objects.bulk_create(
        FlightPlanVersion(client=world.client, number=n, content={"intentions": f"v{n}"}, content_sha256=f"{n:064}",
                          author=world.client.membership.user) for n in range(1, 301))
    me = login(world.client.membership)
    with django_assert_max_num_queries(20):
        assert me.post(reverse("my_records_prepare")).status_code == 302


def test_a_lost_build_is_queued_again_and_a_failed_one_says_so(world, monkeypatch):
    import time_machine

    from clients.export import models as exports
    from practice.accountability.records.tasks import records_exports_housekeeping

    me = login(world.client.membership)
    me.post(reverse("my_records_prepare"))  # the queued build is never run: its message was lost
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        queued = []
        monkeypatch.setattr("practice.accountability.records.tasks.build_records_export.delay", queued.append)
        assert records_exports_housekeeping.run() == {"expired": 0, "requeued": 1}
    assert queued == [str(exports.RecordsExport.objects.get().pk)]
    from practice.accountability.records import services as records_copy

    monkeypatch.setattr(records_copy, "records_zip", lambda client: 1 / 0)
    assert records_copy.export_build(queued[0]) == "failed"
    assert "could not be prepared" in me.get(reverse("my_records")).content.decode()
    assert "Prepare a new copy" in me.get(reverse("my_records")).content.decode()


def test_review_page_queries_do_not_grow_with_items(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sessions.models import TherapySession

    def overdue(n):
        for _ in range(n):
            TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="therapy",
                                          status="completed", scheduled_start=timezone.now() - timedelta(days=5))

    supervisor = login(world.supervisor)
    url = reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk})
    overdue(2)
    supervisor.get(url)
    with CaptureQueriesContext(connection) as small:
        supervisor.get(url)
    overdue(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "(17)" in supervisor.get(url).content.decode()


def test_a_supervisor_marks_several_items_reviewed_at_once_with_one_note(world):
    from sessions.livelog.models import SessionEvent
    from sessions.models import TherapySession

    (first, _me), (second, _me) = raise_concern(world), raise_concern(world, text="Again late at night.")
    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            status="completed", scheduled_start=timezone.now() - timedelta(days=3))
    SessionEvent.objects.create(session=session, at=timezone.now() - timedelta(days=3), recorded_by=world.therapist,
                                kind="outcome", code="medical_care", text="Temperature 39.2 °C")
    supervisor = login(world.supervisor)
    url = reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk})
    page = supervisor.get(url).content.decode()
    assert "Medicine sessions with emergency signs (1)" in page
    assert "Temperature 39.2 °C: Medical care (doctor or hospital)" in page
    mark_url = reverse("supervisee_mark", kwargs={"therapist_id": world.therapist.pk})
    queue = supervisor.get(reverse("supervision")).content.decode()
    assert "Medicine sessions with emergency signs, not yet reviewed (1)" in queue
    picks = [f"concern:{first.pk}", f"concern:{second.pk}", f"emergency:{session.pk}"]
    # one pick that is not on the page: nothing is marked
    refused = supervisor.post(mark_url, {"pick": [*picks, "concern:not-an-id"], "note": "x"}, follow=True)
    assert "Not marked" in refused.content.decode() and not ReviewMark.objects.exists()
    done = supervisor.post(mark_url, {"pick": picks, "note": "Discussed on Tuesday."}, follow=True).content.decode()
    assert "3 items marked as reviewed." in done
    assert sorted(ReviewMark.objects.values_list("item", "note")) == [
        ("concern", "Discussed on Tuesday."), ("concern", "Discussed on Tuesday."), ("emergency", "Discussed on Tuesday.")]
    assert supervisor.post(mark_url, {"note": "nothing ticked"}, follow=True).content.decode().count("Not marked") == 1
    assert "not yet reviewed (0)" in supervisor.get(reverse("supervision")).content.decode()  # the queue emptied


def test_an_acknowledged_caution_reads_as_the_flag_not_its_code(world):
    from screening.models import CautionAcknowledgement, ScreeningReview

    review = ScreeningReview.objects.create(client=world.client, as_of=timezone.localdate(), policy={},
                                            table_version="t", complete=True, flags=[
                                                {"key": "seizure_history", "reason": "A history of seizures."}])
    CautionAcknowledgement.objects.create(client=world.client, review=review, flag_key="seizure_history",
                                          flag_digest="d", rationale="Neurologist cleared it.",
                                          acknowledged_by=world.therapist)
    page = login(world.supervisor).get(reverse("supervisee_review", kwargs={"therapist_id": world.therapist.pk}))
    assert "A history of seizures. <q>Neurologist cleared it.</q>" in page.content.decode()
    assert "seizure_history" not in page.content.decode().replace('value="', "")


def test_a_reviewer_replies_to_the_client_and_links_the_session_the_concern_is_about(world, mailoutbox):
    from django.test import TestCase

    from sessions.models import TherapySession

    from .test_checkins import email_consent

    concern, me = raise_concern(world)
    session = TherapySession.objects.create(client=world.client, practitioner=world.therapist, kind="medicine",
                                            status="completed", scheduled_start=timezone.now() - timedelta(days=3))
    elsewhere = TherapySession.objects.create(client=world.other_client, practitioner=world.other_therapist,
                                              kind="therapy", scheduled_start=timezone.now() - timedelta(days=1))
    supervisor = login(world.supervisor)
    url = reverse("concern_detail", kwargs={"concern_id": concern.pk})
    refused = supervisor.post(url, {"session": str(elsewhere.pk)})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    mailoutbox.clear()
    email_consent(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        supervisor.post(url, {"text": "Call him first.", "reply": "Thank you; we are looking into it.",
                              "session": str(session.pk)})
    staff_page = supervisor.get(url).content.decode()
    assert "Reply to the client:</strong> Thank you; we are looking into it." in staff_page
    assert reverse("session_detail", args=[world.client.pk, session.pk]) in staff_page
    portal = me.get(reverse("portal_concern", kwargs={"concern_id": concern.pk})).content.decode()
    assert "Thank you; we are looking into it." in portal and "Call him first." not in portal
    [email] = mailoutbox
    assert email.to == [world.client.membership.user.email] and "looking into it" not in email.body
    assert reverse("portal_concern", kwargs={"concern_id": concern.pk}) in email.body
