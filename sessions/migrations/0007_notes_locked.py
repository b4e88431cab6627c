from django.db import migrations

from practice.appendonly import FUNCTIONS_SQL, append_only, locked_after_signing


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0006_notes")]

    operations = [
        # Installs the signed-row function (CREATE OR REPLACE: the others are unchanged).
        migrations.RunSQL(FUNCTIONS_SQL, migrations.RunSQL.noop),
        locked_after_signing("therapy_sessions_sessionnote"),
        append_only("therapy_sessions_noteaddendum"),
        append_only("therapy_sessions_notecosignature"),
    ]
