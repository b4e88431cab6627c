"""URL of the link in an appointment reminder."""

from django.urls import path

from sessions.reminders import views

urlpatterns = [path("r/<str:token>/", views.by_link, name="reminder_link")]
