from django.db import migrations

from practice.appendonly import append_only, children_frozen_with_parent, frozen_after_submit


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial"), ("clients", "0005_intake_append_only")]

    operations = [
        frozen_after_submit("screening_medicalscreening"),
        frozen_after_submit("screening_medicationscreening"),
        frozen_after_submit("screening_psychologicalscreening"),
        children_frozen_with_parent("screening_medicationentry", "screening_id", "screening_medicationscreening"),
        append_only("screening_screeningreview"),
        append_only("screening_cautionacknowledgement"),
        append_only("screening_substanceclassification"),
    ]
