"""The audit and access logs follow the rules of the records they describe: a concern hidden
from a member is hidden from their log views too; an invalid filter shows nothing anywhere."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from clients.models import CaseloadAssignment
from practice.accountability.concerns.services import concern_raise
from practice.models import Practice


def _as(member):
    c = Client()
    c.force_login(member.user)
    return c


def _concern_about_other_therapist(world):
    # Cora is on both therapists' caseloads; her concern is about Otto, whom only Uma supervises.
    CaseloadAssignment.objects.create(practice=world.practice, therapist=world.other_therapist, client=world.client)
    return concern_raise(client=world.client, by=world.client.membership, about_id=world.other_therapist.pk,
                         category="boundary", text="Otto said something odd.")


def _log(member, **params):
    return _as(member).get(reverse("audit_log"), {"client": str(params.pop("client")), **params})


def test_a_supervisor_who_may_not_read_a_concern_does_not_see_it_in_the_audit_log(world):
    concern = _concern_about_other_therapist(world)
    hidden = _log(world.supervisor, client=world.client.pk, log="audit", kind="practice_concern")
    assert hidden.status_code == 200 and str(concern.pk)[:8] not in hidden.content.decode()
    assert "No changes match" in hidden.content.decode() and "raised a concern" not in hidden.content.decode()
    shown = _log(world.unrelated_supervisor, client=world.client.pk, log="audit", kind="practice_concern")
    assert "raised a concern of Cora Client." in shown.content.decode()  # (no request here: "The system")
    csv = _log(world.supervisor, client=world.client.pk, log="audit", format="csv").content.decode()
    assert "concern" not in csv.lower()
    assert "concern" in _log(world.unrelated_supervisor, client=world.client.pk, log="audit",
                             format="csv").content.decode().lower()


def test_admins_who_are_not_the_concern_contact_do_not_see_concern_rows(world):
    concern = _concern_about_other_therapist(world)
    assert "concern" in _log(world.admin, client=world.client.pk, log="audit", format="csv").content.decode().lower()
    Practice.objects.filter(pk=world.practice.pk).update(accountability_contact=world.unrelated_supervisor)
    assert "concern" not in _log(world.admin, client=world.client.pk, log="audit",
                                 format="csv").content.decode().lower()
    assert concern.pk


def test_reads_of_a_concern_show_only_to_those_who_may_read_it(world):
    concern = _concern_about_other_therapist(world)
    reader = _as(world.unrelated_supervisor)
    assert reader.get(reverse("concern_detail", kwargs={"concern_id": concern.pk})).status_code == 200
    assert reader.get(reverse("concerns")).status_code == 200
    seen = _log(world.unrelated_supervisor, client=world.client.pk, log="access", format="csv").content.decode()
    assert "opened a concern of Cora Client" in seen and "listed the concerns of Cora Client" in seen
    other = _log(world.supervisor, client=world.client.pk, log="access", format="csv").content.decode()
    assert "concern" not in other


def test_an_invalid_filter_shows_nothing_on_the_page_or_in_the_csv(world):
    _as(world.therapist).post(reverse("client_stage", args=[world.client.pk]), {"stage": "screening"})
    admin = _as(world.admin)
    bad = {"since": "2026-02-02", "until": "2026-01-01"}
    page = admin.get(reverse("audit_log"), bad)
    assert page.status_code == 400 and "changed the client record" not in page.content.decode()
    assert "format=csv" not in page.content.decode()
    csv = admin.get(reverse("audit_log"), {**bad, "format": "csv"})
    assert csv.status_code == 400 and "not valid" in csv.content.decode()
    assert admin.get(reverse("audit_log"), {"log": "audit", "format": "csv"}).content.decode().count("\n") > 1
