from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0011_checkins")]

    operations = [
        append_only("therapy_sessions_checkinanswer"),
        append_only("therapy_sessions_checkinacknowledgement"),
    ]
