"""URL of a client's preparation list."""

from django.urls import path

from sessions.preparation import views

urlpatterns = [path("portal/sessions/<uuid:session_id>/prepare/", views.prepare, name="client_prepare")]
