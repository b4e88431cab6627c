from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0015_alliance_surveys")]

    operations = [
        append_only("therapy_sessions_surveyresponse"),
        append_only("therapy_sessions_rupturealert"),
        append_only("therapy_sessions_ruptureacknowledgement"),
        append_only("therapy_sessions_surveyschedule"),
    ]
