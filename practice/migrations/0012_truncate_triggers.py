from django.db import migrations

from practice.audit.triggers import AUDIT_TABLES, AUDITED, TRUNCATE_SQL, audit_truncate, forbid_truncate


LATER = {"clients_recordsexport", "therapy_sessions_sessionreminder", "therapy_sessions_preparationtick",
         "clients_consentdraft", "clients_demographicanswers",
         "therapy_sessions_gaterefusal",
         "therapy_sessions_measureresponse", "therapy_sessions_measureacknowledgement",
         "therapy_sessions_measureescalation",
         "therapy_sessions_measureschedule"}  # created after this migration, with their own triggers


class Migration(migrations.Migration):
    dependencies = [("practice", "0011_access_refused")]

    operations = [
        migrations.RunSQL(TRUNCATE_SQL, "DROP FUNCTION IF EXISTS practice_audit_truncate() CASCADE; "
                                        "DROP FUNCTION IF EXISTS practice_forbid_truncate() CASCADE;"),
        *[audit_truncate(table) for table in AUDITED if table not in LATER],
        *[forbid_truncate(table) for table in AUDIT_TABLES],
    ]
