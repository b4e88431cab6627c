"""URLs of the sessions app: each capability's own, included (paths and names unchanged)."""

from django.urls import include, path

urlpatterns = [
    path("", include("sessions.flightplans.urls")),
    path("", include("sessions.checkins.urls")),
    path("", include("sessions.surveys.urls")),
    path("", include("sessions.scheduling.urls")),
    path("", include("sessions.notes.urls")),
    path("", include("sessions.livelog.urls")),
    path("", include("sessions.reminders.urls")),
    path("", include("sessions.preparation.urls")),
    path("", include("sessions.measures.urls")),
]
