"""URLs of check-ins: the emailed link, the portal, the therapist's inbox and acknowledgements."""

from django.urls import path

from sessions.checkins import views as checkin_views

urlpatterns = [
    path("c/<str:token>/", checkin_views.by_link, name="checkin_link"),
    path("portal/checkins/<uuid:checkin_id>/", checkin_views.in_portal, name="checkin_portal"),
    path("portal/checkins/pause/", checkin_views.pause, name="checkin_pause"),
    path("caseload/checkins/", checkin_views.inbox, name="checkin_inbox"),
    path("clients/<uuid:client_id>/checkins/days/", checkin_views.set_days, name="checkin_days"),
    path("clients/<uuid:client_id>/checkins/<int:answer_id>/acknowledge/", checkin_views.acknowledge,
         name="checkin_acknowledge"),
]
