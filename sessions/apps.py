from django.apps import AppConfig


class SessionsConfig(AppConfig):
    # Django's own django.contrib.sessions owns the label "sessions".
    name = "sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
    default_auto_field = "django.db.models.BigAutoField"
