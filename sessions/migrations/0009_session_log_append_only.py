from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0008_session_log")]

    operations = [
        append_only("therapy_sessions_dosegiven"),
        append_only("therapy_sessions_vitalsreading"),
        append_only("therapy_sessions_waterintake"),
        append_only("therapy_sessions_sessionevent"),
    ]
