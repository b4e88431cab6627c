from django.db import migrations

from practice.appendonly import append_only
from practice.audit.triggers import AUDITED, install

LATER = {"practice_practice", "practice_concern", "practice_concernentry", "practice_reviewmark",
         "clients_recordsexport", "therapy_sessions_sessionreminder",
         "therapy_sessions_preparationtick", "clients_consentdraft", "clients_demographicanswers",
         "therapy_sessions_gaterefusal",
         "therapy_sessions_measureresponse", "therapy_sessions_measureacknowledgement",
         "therapy_sessions_measureescalation",
         "therapy_sessions_measureschedule"}  # their own migrations


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0004_audit_tables"),
        ("clients", "0009_client_checkin_days"),
        ("screening", "0004_policy_append_only"),
        ("therapy_sessions", "0016_surveys_append_only"),
    ]

    operations = [
        *install([t for t in AUDITED if t not in LATER]),
        append_only("practice_auditevent"),
        append_only("practice_accessevent"),
    ]
