from django.db import migrations

from practice.appendonly import append_only
from practice.audit.triggers import audit


class Migration(migrations.Migration):
    dependencies = [("practice", "0009_review_marks")]

    operations = [append_only("practice_reviewmark"), audit("practice_reviewmark")]
