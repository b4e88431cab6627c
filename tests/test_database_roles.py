"""The audit trail survives its own database: TRUNCATE of an audit table is refused, TRUNCATE of
a clinical table is itself recorded, and the production app role (practice/dbroles.py) cannot
truncate, disable triggers, switch them off with the replication role, or rewrite audit rows."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from clients.models import Client as ClientRecord
from practice.audit.models import AuditEvent
from practice.audit.triggers import AUDIT_TABLES, AUDITED


def _sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_the_audit_tables_refuse_truncate(world, table):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _sql(f"TRUNCATE {table} CASCADE")


def test_truncating_a_clinical_table_is_recorded_for_every_practice(world):
    _sql("TRUNCATE therapy_sessions_waterintake")
    rows = AuditEvent.objects.filter(table_name="therapy_sessions_waterintake", operation="truncate")
    assert {r.practice_id for r in rows} == {world.practice.pk, world.other_practice.pk}


def test_every_audited_table_records_truncate(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE NOT t.tgisinternal AND (t.tgname LIKE '%%_audit_truncate' OR t.tgname LIKE '%%_no_truncate')")
        found = cursor.fetchall()
    assert {table for table, name in found if name.endswith("_audit_truncate")} == set(AUDITED)
    assert {table for table, name in found if name.endswith("_no_truncate")} == set(AUDIT_TABLES)


@pytest.fixture
def app_role(world):
    """A fresh role granted exactly what production's app role gets (the test database's user
    is a superuser that owns every table, as a careless production set-up would be)."""
    role = f"practice_app_{uuid.uuid4().hex[:8]}"
    _sql(f"CREATE ROLE {role} NOLOGIN")
    call_command("grant_app_role", role)
    return role


def _as(role, statement, params=None):
    with transaction.atomic():
        _sql(f"SET LOCAL ROLE {role}")
        try:
            _sql(statement, params)
        finally:
            _sql("RESET ROLE")


@pytest.mark.parametrize("statement", [
    "TRUNCATE practice_auditevent",
    "TRUNCATE practice_accessevent",
    "TRUNCATE clients_client CASCADE",
    "ALTER TABLE practice_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE clients_client DISABLE TRIGGER clients_client_audit",
    "SET session_replication_role = replica",
    "UPDATE practice_auditevent SET old = NULL",
    "DELETE FROM practice_auditevent",
    "DELETE FROM practice_accessevent",
    "DROP TRIGGER clients_client_audit ON clients_client",
])
def test_the_app_role_cannot_touch_the_audit_trail(app_role, statement):
    before = AuditEvent.objects.count()
    with pytest.raises(DatabaseError):
        _as(app_role, statement)
    assert AuditEvent.objects.count() == before


def test_the_app_role_runs_the_app_and_is_audited(app_role, world):
    before = AuditEvent.objects.count()
    _as(app_role, "UPDATE clients_client SET stage = 'screening' WHERE id = %s", [world.client.pk])
    _as(app_role, "SELECT count(*) FROM practice_auditevent")
    assert AuditEvent.objects.count() == before + 1
    assert ClientRecord.objects.get(pk=world.client.pk).stage == "screening"


def test_the_command_refuses_an_unsafe_role_and_prints_sql(db, capsys):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser|owns tables"):
        call_command("grant_app_role", owner)
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", "no_such_role_here")
    call_command("grant_app_role", "practice_app", sql=True)
    out = capsys.readouterr().out
    assert 'REVOKE UPDATE, DELETE ON "public"."practice_auditevent"' in out and "TRUNCATE" not in out
