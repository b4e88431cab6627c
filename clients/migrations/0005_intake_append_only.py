from django.db import migrations

from practice.appendonly import frozen_after_submit, install_functions


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_intakeversion")]

    operations = [install_functions(), frozen_after_submit("clients_intakeversion")]
