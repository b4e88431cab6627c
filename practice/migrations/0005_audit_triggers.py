from django.db import migrations

from practice.appendonly import append_only
from practice.audittriggers import install


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0004_audit_tables"),
        ("clients", "0009_client_checkin_days"),
        ("screening", "0004_policy_append_only"),
        ("therapy_sessions", "0016_surveys_append_only"),
    ]

    operations = [
        *install(),
        append_only("practice_auditevent"),
        append_only("practice_accessevent"),
    ]
