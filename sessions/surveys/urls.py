"""URLs of alliance surveys: the emailed link, the portal, alerts and the schedules."""

from django.urls import path

from sessions.surveys import views

urlpatterns = [
    path("s/<str:token>/", views.by_link, name="survey_link"),
    path("portal/surveys/", views.portal_list, name="survey_portal_list"),
    path("portal/surveys/<uuid:request_id>/", views.in_portal, name="survey_portal"),
    path("clients/<uuid:client_id>/alliance/alerts/<int:alert_id>/acknowledge/", views.acknowledge,
         name="alliance_acknowledge"),
    path("clients/<uuid:client_id>/alliance/schedule/", views.client_schedule, name="client_survey_schedule"),
    path("team/alliance/", views.practice_schedule, name="practice_survey_schedule"),
]
