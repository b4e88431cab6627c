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


def test_a_supervisors_log_is_the_same_whether_their_clients_are_listed_or_looked_up(world, monkeypatch):
    """The audit log passes a supervisor's clients as a list when they are few (for the planner)
    and as a subquery when many: both show exactly the same rows."""
    from clients import access
    from practice.accountability.auditlog import views as auditlog

    from . import factories as f

    f.client(world.practice, world.therapist, full_name="Lena Listed")
    f.client(world.practice, world.other_therapist, full_name="Ned NotMine")  # supervised by Uma only
    gone = f.client(world.practice, world.therapist, full_name="Gil Gone")
    CaseloadAssignment.objects.filter(client=gone).update(ended_at="2026-01-01T00:00:00Z")
    f.client(world.other_practice, world.outsider, full_name="Olga Outside")
    assert set(access.few_visible_client_ids(world.supervisor, 10)) == set(
        access.clients_visible_to(world.supervisor).values_list("pk", flat=True))
    assert access.few_visible_client_ids(world.supervisor, 1) is None  # more than one: the subquery
    assert access.few_visible_client_ids(world.admin, 10) is None  # admins read the whole practice
    listed = _as(world.supervisor).get(reverse("audit_log")).content.decode()
    monkeypatch.setattr(auditlog, "FEW", 0)
    looked_up = _as(world.supervisor).get(reverse("audit_log")).content.decode()
    assert "Lena Listed" in listed and "Cora Client" in listed
    assert "Ned NotMine" not in listed and "Olga Outside" not in listed and "Gil Gone" not in listed
    body = listed.split("<main", 1)[1]
    assert body == looked_up.split("<main", 1)[1]
