"""URLs of the screening forms, the screening review and the safety policy."""

from django.urls import path

from screening import views as screening_views

urlpatterns = [
    path("policy/", screening_views.policy, name="policy"),
    path("portal/forms/<str:kind>/", screening_views.client_form, name="client_form"),
    path("clients/<uuid:client_id>/forms/<str:kind>/", screening_views.therapist_form, name="therapist_form"),
    path("clients/<uuid:client_id>/forms/<str:kind>/v<int:number>/", screening_views.form_read,
         name="client_form_read"),
    path("clients/<uuid:client_id>/screening/", screening_views.review, name="screening_review"),
    path("clients/<uuid:client_id>/screening/acknowledge/", screening_views.acknowledge, name="screening_acknowledge"),
    path("clients/<uuid:client_id>/screening/classify/", screening_views.classify, name="screening_classify"),
]
