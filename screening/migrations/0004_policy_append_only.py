from django.db import migrations

from practice.appendonly import append_only


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_policyversion")]

    operations = [append_only("screening_policyversion")]
