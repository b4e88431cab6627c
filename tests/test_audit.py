"""The audit trail (database triggers) and the access log (one row per staff read)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from clients.models import Client as ClientRecord
from practice.audit.models import AccessEvent, AuditEvent
from practice.audit.triggers import AUDITED, NOT_AUDITED

from . import factories
from .test_access_matrix import GET_EXPECTATIONS, url_for  # noqa: F401 (fixture)


def test_every_table_is_audited_or_deliberately_not(db):
    tables = {m._meta.db_table for label in ("practice", "clients", "screening", "therapy_sessions")
              for m in apps.get_app_config(label).get_models(include_auto_created=True)}
    assert tables - set(AUDITED) - NOT_AUDITED == set(), "a new table needs an entry in practice/audittriggers.py"
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname LIKE '%%_audit' AND NOT t.tgisinternal")
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered == set(AUDITED)


def test_a_web_request_records_who_from_which_request_and_before_and_after(world):
    therapist = Client()
    therapist.force_login(world.therapist.user)
    response = therapist.post(reverse("client_stage", kwargs={"client_id": world.client.pk}), {"stage": "screening"},
                              REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    event = AuditEvent.objects.get(table_name="clients_client", operation="update")
    assert event.actor_id == world.therapist.user_id and event.ip == "203.0.113.9"
    assert event.path == f"/clients/{world.client.pk}/stage/" and event.request_id is not None
    assert (event.old["stage"], event.new["stage"]) == ("intake", "screening")
    assert event.client_id == world.client.pk and event.practice_id == world.practice.pk
    assert event.changed_fields == ["stage", "stage_confirmed_at"]  # when the therapist set it, too


def test_bulk_updates_and_raw_sql_are_audited_too(world):
    ClientRecord.objects.filter(pk=world.client.pk).update(stage="preparation")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clients_client SET stage = 'medicine' WHERE id = %s", [world.client.pk])
    stages = list(AuditEvent.objects.filter(table_name="clients_client", operation="update",
                                            client_id=world.client.pk).order_by("id")
                  .values_list("old__stage", "new__stage"))
    assert stages == [("intake", "preparation"), ("preparation", "medicine")]


def test_an_update_that_changes_nothing_is_not_an_event(world):
    before = AuditEvent.objects.count()
    ClientRecord.objects.filter(pk=world.client.pk).update(stage="intake")
    assert AuditEvent.objects.count() == before


def test_rows_that_hang_off_other_records_are_filed_under_their_client(world):
    from django.utils import timezone

    from sessions.surveys import services as survey_service
    from sessions.surveys.models import RuptureAlert, SurveyRequest

    request = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="a", state="sent",
                                           due_at=timezone.now(), sent_at=timezone.now())
    survey_service.response_save(request=request, raw_answers={n: 1 for n in range(1, 17)})
    survey_service.acknowledge(alert=RuptureAlert.objects.first(), by=world.therapist, note="Seen")
    for table in ("therapy_sessions_rupturealert", "therapy_sessions_ruptureacknowledgement",
                  "therapy_sessions_surveyresponse"):
        event = AuditEvent.objects.filter(table_name=table).first()
        assert (event.client_id, event.practice_id) == (world.client.pk, world.practice.pk), table


@pytest.mark.parametrize("model", [AuditEvent, AccessEvent])
def test_audit_rows_cannot_be_changed_or_deleted(world, model):
    ClientRecord.objects.filter(pk=world.client.pk).update(stage="screening")
    AccessEvent.objects.create(practice_id=world.practice.pk, actor=world.therapist.user, role="therapist",
                               clients=[world.client.pk], view="client_detail", path="/x/")
    table = model._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(path="/elsewhere/")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table name)
    assert model.objects.exists()


STAFF_ROLES = ("therapist", "supervisor", "admin", "other_therapist", "unrelated_supervisor")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_page_that_shows_a_client_is_in_the_access_log(as_role, world, url_for, role):  # noqa: F811
    """Walk every URL: a staff page that shows a client (by name, or as the client in its URL)
    leaves exactly one access row naming that client; nothing is logged for other clients."""
    c = as_role(role)
    names = {world.client.pk: b"Cora Client", world.other_client.pk: b"Dan Different"}
    for name, statuses in GET_EXPECTATIONS.items():
        if statuses[role] != 200 or name == "team":  # team: names and roles for administration only
            continue
        before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = c.get(url_for(name))
        body = response.content if response.get("Content-Type", "").startswith("text/html") else b""
        in_url = {str(v) for v in response.wsgi_request.resolver_match.kwargs.values()}
        new = list(AccessEvent.objects.filter(id__gt=before))
        assert len(new) <= 1, (role, name)  # at most one write per request
        logged = set(new[0].clients) if new else set()
        for pk, shown_name in names.items():
            shown = shown_name in body or str(pk) in in_url
            assert (pk in logged) == shown, (role, name, shown_name)
        if new:
            assert new[0].actor_id == world.membership(role).user_id and new[0].view == name


def test_pdf_downloads_are_logged_as_such(world, url_for):  # noqa: F811
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    assert supervisor.get(url_for("staff_plan_pdf")).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.kind, event.view, event.role) == ("pdf", "staff_plan_pdf", "supervisor")


def test_a_clients_own_reads_are_not_staff_access_and_refused_reads_are_attempts(world):
    me = Client()
    me.force_login(world.client.membership.user)
    me.get(reverse("portal"))
    assert AccessEvent.objects.count() == 0
    other = Client()
    other.force_login(world.other_therapist.user)
    assert other.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).status_code == 404
    attempt = AccessEvent.objects.get()
    assert (attempt.kind, attempt.view, attempt.clients) == ("refused", "client_detail", [world.client.pk])
    assert attempt.actor_id == world.other_therapist.user_id
    # Another practice's client is not named in this practice's log: only the path keeps the id.
    outsider = Client()
    outsider.force_login(world.outsider.user)
    assert outsider.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).status_code == 404
    probe = AccessEvent.objects.get(actor=world.outsider.user)
    assert probe.practice_id == world.other_practice.pk and probe.clients == [] and str(world.client.pk) in probe.path
    # The supervisor of the prober sees the attempt; the client's "who viewed" page does not list it.
    supervisor = Client()
    supervisor.force_login(world.unrelated_supervisor.user)
    log = supervisor.get(reverse("audit_log"), {"log": "access", "format": "csv"}).content.decode()
    assert "refused" in log and "Otto Other" in log
    assert "Refused" not in me.get(reverse("my_records")).content.decode()


def test_a_list_page_writes_one_row_for_all_its_clients(world):
    for _ in range(30):
        factories.client(world.practice, world.therapist)
    therapist = Client()
    therapist.force_login(world.therapist.user)
    therapist.get(reverse("caseload"))
    before = AccessEvent.objects.count()
    therapist.get(reverse("caseload"))
    assert AccessEvent.objects.count() == before + 1
    assert len(AccessEvent.objects.first().clients) == 31


def test_logging_adds_one_write_and_no_per_row_queries_to_a_list_page(world):
    from django.test.utils import CaptureQueriesContext

    therapist = Client()
    therapist.force_login(world.therapist.user)
    therapist.get(reverse("caseload"))

    def writes_and_count():
        with CaptureQueriesContext(connection) as queries:
            assert therapist.get(reverse("caseload")).status_code == 200
        sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
        return [s.split()[2] for s in sql if s.startswith("INSERT")], len(sql)

    inserts, small = writes_and_count()
    for _ in range(20):
        factories.client(world.practice, world.therapist)
    inserts_again, large = writes_and_count()
    assert inserts == inserts_again == ['"PRACTICE_ACCESSEVENT"']
    assert small == large
