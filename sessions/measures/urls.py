from django.urls import path

from sessions.measures import views

urlpatterns = [
    path("portal/measures/<slug:instrument>/<slug:slot>/", views.answer, name="portal_measure"),
    path("clients/<uuid:client_id>/measures/<int:response_id>/acknowledge/", views.acknowledge,
         name="measure_acknowledge"),
    path("team/measures/", views.practice_schedule, name="practice_measure_schedule"),
]
