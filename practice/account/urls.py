"""URLs of one's own account: home (routed by role), practice choice, profile, the health check."""

from django.urls import path

from practice.account import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("practices/choose/", views.choose_practice, name="choose_practice"),
]
