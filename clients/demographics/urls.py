from django.urls import path

from clients.demographics import views

urlpatterns = [
    path("portal/reporting/<slug:program>/", views.demographics, name="portal_demographics"),
]
