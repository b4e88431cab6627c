from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    # Screening forms and the safety-rules engine arrive with the screening issue.
    name = "screening"
    default_auto_field = "django.db.models.BigAutoField"
