"""URLs of flight plans: the client's (portal) and the staff's (client record) pages."""

from django.urls import path

from sessions.flightplans import views as plan_views

urlpatterns = [
    path("portal/flight-plan/", plan_views.client_plan, name="client_plan"),
    path("portal/flight-plan/edit/", plan_views.client_plan_edit, name="client_plan_edit"),
    path("portal/flight-plan/sign/", plan_views.client_plan_sign, name="client_plan_sign"),
    path("portal/flight-plan/diff/", plan_views.client_plan_diff, name="client_plan_diff"),
    path("portal/flight-plan/<int:number>/pdf/", plan_views.client_plan_pdf, name="client_plan_pdf"),
    path("clients/<uuid:client_id>/flight-plan/", plan_views.staff_plan, name="staff_plan"),
    path("clients/<uuid:client_id>/flight-plan/edit/", plan_views.staff_plan_edit, name="staff_plan_edit"),
    path("clients/<uuid:client_id>/flight-plan/sign/", plan_views.staff_plan_sign, name="staff_plan_sign"),
    path("clients/<uuid:client_id>/flight-plan/diff/", plan_views.staff_plan_diff, name="staff_plan_diff"),
    path("clients/<uuid:client_id>/flight-plan/<int:number>/pdf/", plan_views.staff_plan_pdf, name="staff_plan_pdf"),
]
