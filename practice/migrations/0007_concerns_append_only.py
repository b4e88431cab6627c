from django.db import migrations

from practice.appendonly import append_only
from practice.audit.triggers import audit


class Migration(migrations.Migration):
    dependencies = [("practice", "0006_concerns")]

    operations = [
        append_only("practice_concern"),
        append_only("practice_concernentry"),
        audit("practice_concern"),
        audit("practice_concernentry"),
        audit("practice_practice"),
    ]
