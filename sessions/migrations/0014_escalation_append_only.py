from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0013_checkin_followups")]

    operations = [append_only("therapy_sessions_checkinescalation")]
