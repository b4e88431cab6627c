from django.db import migrations

from practice.samepractice import same_practice_fk


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_initial"), ("practice", "0002_same_practice")]

    operations = [
        same_practice_fk("clients_client", "membership_id", "practice_membership"),
        same_practice_fk("clients_caseloadassignment", "therapist_id", "practice_membership"),
        same_practice_fk("clients_caseloadassignment", "client_id", "clients_client"),
    ]
