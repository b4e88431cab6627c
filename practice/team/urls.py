"""URLs of the practice team: members, staff invitations, practitioners, caseload and supervision links."""

from django.urls import path

from practice.team import views

urlpatterns = [
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("team/practitioners/", views.practitioners, name="practitioners"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite_staff, name="invite_staff"),
    path("team/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("team/invitations/<int:invitation_id>/resend/", views.resend_invitation, name="resend_invitation"),
    path("team/members/<uuid:member_id>/active/", views.member_active, name="member_active"),
    path("team/assign/", views.assign_client, name="assign_client"),
    path("team/supervision/", views.link_supervisor, name="link_supervisor"),
]
