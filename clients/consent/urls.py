"""URLs of the clients app's own pages (consent documents and signatures)."""

from django.urls import path

from clients.consent import views as consent_views

urlpatterns = [
    path("team/consents/", consent_views.templates, name="consent_templates"),
    path("team/consents/<str:kind>/", consent_views.template_edit, name="consent_edit"),
    path("caseload/consents/", consent_views.outstanding, name="consent_outstanding"),
    path("portal/consents/<int:version_id>/", consent_views.sign, name="consent_sign"),
    path("portal/consents/signed/<uuid:signature_id>/revoke/", consent_views.revoke, name="consent_revoke"),
    path("portal/consents/signed/<uuid:signature_id>/pdf/", consent_views.pdf_own, name="consent_pdf_own"),
    path("clients/<uuid:client_id>/consents/<uuid:signature_id>/pdf/", consent_views.pdf_staff,
         name="consent_pdf_staff"),
]
