from django.db import migrations

from practice.samepractice import same_practice_fk


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial")]

    operations = [
        same_practice_fk("practice_supervisionlink", "supervisor_id", "practice_membership"),
        same_practice_fk("practice_supervisionlink", "therapist_id", "practice_membership"),
        same_practice_fk("practice_invitation", "therapist_id", "practice_membership"),
    ]
