from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from practice import checks, mfa  # noqa: F401 (register the database check and the enrolment receiver)
