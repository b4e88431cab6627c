from django.contrib import admin
from django.urls import include, path

from clients import views as client_views
from clients import views_consent as consent_views
from screening import views as screening_views
from sessions import views as session_views
from sessions import views_checkin as checkin_views
from sessions import views_flightplan as plan_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("practices/choose/", views.choose_practice, name="choose_practice"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("c/<str:token>/", checkin_views.by_link, name="checkin_link"),
    path("portal/checkins/<uuid:checkin_id>/", checkin_views.in_portal, name="checkin_portal"),
    path("portal/checkins/pause/", checkin_views.pause, name="checkin_pause"),
    path("clients/<uuid:client_id>/checkins/<int:answer_id>/acknowledge/", checkin_views.acknowledge,
         name="checkin_acknowledge"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite_staff, name="invite_staff"),
    path("team/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("team/assign/", views.assign_client, name="assign_client"),
    path("team/supervision/", views.link_supervisor, name="link_supervisor"),
    path("supervision/", views.supervision, name="supervision"),
    path("team/consents/", consent_views.templates, name="consent_templates"),
    path("team/consents/<str:kind>/", consent_views.template_edit, name="consent_edit"),
    path("caseload/consents/", consent_views.outstanding, name="consent_outstanding"),
    path("portal/flight-plan/", plan_views.client_plan, name="client_plan"),
    path("portal/flight-plan/edit/", plan_views.client_plan_edit, name="client_plan_edit"),
    path("portal/flight-plan/sign/", plan_views.client_plan_sign, name="client_plan_sign"),
    path("portal/flight-plan/diff/", plan_views.client_plan_diff, name="client_plan_diff"),
    path("portal/flight-plan/<int:number>/pdf/", plan_views.client_plan_pdf, name="client_plan_pdf"),
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
    path("clients/<uuid:client_id>/flight-plan/", plan_views.staff_plan, name="staff_plan"),
    path("clients/<uuid:client_id>/flight-plan/edit/", plan_views.staff_plan_edit, name="staff_plan_edit"),
    path("clients/<uuid:client_id>/flight-plan/sign/", plan_views.staff_plan_sign, name="staff_plan_sign"),
    path("clients/<uuid:client_id>/flight-plan/diff/", plan_views.staff_plan_diff, name="staff_plan_diff"),
    path("clients/<uuid:client_id>/flight-plan/<int:number>/pdf/", plan_views.staff_plan_pdf, name="staff_plan_pdf"),
    path("portal/consents/<int:version_id>/", consent_views.sign, name="consent_sign"),
    path("portal/consents/signed/<uuid:signature_id>/revoke/", consent_views.revoke, name="consent_revoke"),
    path("portal/consents/signed/<uuid:signature_id>/pdf/", consent_views.pdf_own, name="consent_pdf_own"),
    path("clients/<uuid:client_id>/consents/<uuid:signature_id>/pdf/", consent_views.pdf_staff,
         name="consent_pdf_staff"),
    path("policy/", screening_views.policy, name="policy"),
    path("caseload/", client_views.caseload, name="caseload"),
    path("caseload/invite/", client_views.invite_client, name="invite_client"),
    path("clients/<uuid:client_id>/", client_views.client_detail, name="client_detail"),
    path("clients/<uuid:client_id>/stage/", client_views.client_stage, name="client_stage"),
    path("portal/", client_views.portal, name="portal"),
    path("portal/forms/<str:kind>/", screening_views.client_form, name="client_form"),
    path("clients/<uuid:client_id>/forms/<str:kind>/", screening_views.therapist_form, name="therapist_form"),
    path("clients/<uuid:client_id>/screening/", screening_views.review, name="screening_review"),
    path("clients/<uuid:client_id>/screening/acknowledge/", screening_views.acknowledge, name="screening_acknowledge"),
    path("clients/<uuid:client_id>/screening/classify/", screening_views.classify, name="screening_classify"),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
]
