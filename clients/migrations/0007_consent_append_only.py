from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_consent")]

    operations = [
        append_only("clients_consenttemplate"),
        append_only("clients_consenttemplateversion"),
        append_only("clients_consentsignature"),
        append_only("clients_consentrevocation"),
    ]
