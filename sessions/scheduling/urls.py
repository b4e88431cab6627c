"""URLs of scheduling: a new session, its page, starting it and moving it on."""

from django.urls import path

from sessions.scheduling import views

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/calendar-link/", views.calendar_link, name="calendar_link"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("portal/sessions/<uuid:session_id>.ics", views.client_appointment_ics, name="client_appointment_ics"),
    path("clients/<uuid:client_id>/sessions/new/", views.schedule, name="session_schedule"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/", views.detail, name="session_detail"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/start/", views.start, name="session_start"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/status/", views.set_status, name="session_status"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/move/", views.reschedule, name="session_reschedule"),
]
