"""URLs of the pages that show a client's whole record: caseload, client record, portal."""

from django.urls import path

from practice.pages import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/invite/", views.invite_client, name="invite_client"),
    path("clients/<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<uuid:client_id>/stage/", views.client_stage, name="client_stage"),
    path("portal/", views.portal, name="portal"),
]
