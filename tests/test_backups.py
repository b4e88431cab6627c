"""Backup and restore round trip on the real database, audit trail included."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from clients.models import Client as ClientRecord
from practice.audit.models import AuditEvent


def snapshot():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, stage FROM clients_client ORDER BY id")
        clients = cursor.fetchall()
        cursor.execute("SELECT id, table_name, operation, row_id, old, new FROM practice_auditevent ORDER BY id")
        audit = cursor.fetchall()
    return clients, audit


@pytest.mark.django_db(transaction=True)
def test_backup_change_restore_finds_the_original_exactly(world, tmp_path):
    ClientRecord.objects.filter(pk=world.client.pk).update(stage="screening")  # some audit history
    before = snapshot()
    path = tmp_path / "practice.dump"
    call_command("backup", output=str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert path.stat().st_size > 0 and oct(path.stat().st_mode)[-3:] == "600"

    ClientRecord.objects.filter(pk=world.client.pk).update(stage="closed")
    ClientRecord.objects.filter(pk=world.other_client.pk).update(stage="medicine")
    assert snapshot() != before

    call_command("restore", str(path), yes=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before
    # The rules hold again after a restore: the audit trail is still append-only and audited.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()
    ClientRecord.objects.filter(pk=world.client.pk).update(stage="preparation")
    assert AuditEvent.objects.count() == len(before[1]) + 1


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "nope.dump"), yes=True)
