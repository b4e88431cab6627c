from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from practice import mfa  # noqa: F401 (registers the enrolment signal receiver)
