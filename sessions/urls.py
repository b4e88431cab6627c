"""URLs of sessions: scheduling, the live log, notes, flight plans, check-ins and surveys."""

from django.urls import include, path

from . import views as session_views
from . import views_survey as survey_views

urlpatterns = [
    path("", include("sessions.flightplans.urls")),
    path("", include("sessions.checkins.urls")),
    path("s/<str:token>/", survey_views.by_link, name="survey_link"),
    path("portal/surveys/", survey_views.portal_list, name="survey_portal_list"),
    path("portal/surveys/<uuid:request_id>/", survey_views.in_portal, name="survey_portal"),
    path("clients/<uuid:client_id>/alliance/alerts/<int:alert_id>/acknowledge/", survey_views.acknowledge,
         name="alliance_acknowledge"),
    path("clients/<uuid:client_id>/alliance/schedule/", survey_views.client_schedule, name="client_survey_schedule"),
    path("team/alliance/", survey_views.practice_schedule, name="practice_survey_schedule"),
    path("clients/<uuid:client_id>/sessions/new/", session_views.schedule, name="session_schedule"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/", session_views.detail, name="session_detail"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/start/", session_views.start, name="session_start"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/status/", session_views.set_status, name="session_status"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/note/", session_views.note, name="session_note"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/note/addendum/", session_views.addendum,
         name="note_addendum"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/note/cosign/", session_views.cosign, name="note_cosign"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/", session_views.live, name="session_live"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/state/", session_views.live_state_partial,
         name="session_live_state"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/<str:kind>/", session_views.live_record,
         name="session_live_record"),
]
