"""The root URLconf: the top layer's pages, then each app's own URLs (paths and names unchanged)."""

from django.contrib import admin
from django.urls import include, path

from practice import views, views_audit, views_concerns, views_review
from practice.pages import clients as client_views
from practice.pages import records as records_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("practices/choose/", views.choose_practice, name="choose_practice"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("portal/concerns/", views_concerns.portal_list, name="portal_concerns"),
    path("portal/concerns/<uuid:concern_id>/", views_concerns.portal_detail, name="portal_concern"),
    path("accountability/concerns/", views_concerns.staff_list, name="concerns"),
    path("accountability/concerns/<uuid:concern_id>/", views_concerns.staff_detail, name="concern_detail"),
    path("accountability/log/", views_audit.audit_log, name="audit_log"),
    path("portal/records/", records_views.my_records, name="my_records"),
    path("portal/records/prepare/", records_views.my_records_prepare, name="my_records_prepare"),
    path("portal/records/download/<uuid:export_id>/", records_views.my_records_download, name="my_records_download"),
    path("team/practitioners/", views.practitioners, name="practitioners"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite_staff, name="invite_staff"),
    path("team/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("team/assign/", views.assign_client, name="assign_client"),
    path("team/supervision/", views.link_supervisor, name="link_supervisor"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<uuid:therapist_id>/review/", views_review.review, name="supervisee_review"),
    path("supervision/<uuid:therapist_id>/review/mark/", views_review.mark, name="supervisee_mark"),
    path("caseload/", client_views.caseload, name="caseload"),
    path("caseload/invite/", client_views.invite_client, name="invite_client"),
    path("clients/<uuid:client_id>/", client_views.client_detail, name="client_detail"),
    path("clients/<uuid:client_id>/stage/", client_views.client_stage, name="client_stage"),
    path("portal/", client_views.portal, name="portal"),
    path("", include("clients.urls")),
    path("", include("screening.urls")),
    path("", include("sessions.urls")),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
]
handler500 = "practice.errors.server_error"
