from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0002_flight_plan"), ("clients", "0005_intake_append_only")]

    operations = [
        append_only("therapy_sessions_flightplanversion"),
        append_only("therapy_sessions_flightplansignature"),
    ]
