"""URLs of the live log of a medicine session."""

from django.urls import path

from sessions.livelog import views

urlpatterns = [
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/", views.live, name="session_live"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/state/", views.live_state_partial,
         name="session_live_state"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/sign/", views.sign_outcome,
         name="session_sign_outcome"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/live/<str:kind>/", views.live_record,
         name="session_live_record"),
]
