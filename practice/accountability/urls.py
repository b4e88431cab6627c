"""URLs of accountability: concerns, the supervision dashboard and review, the audit log, and a
client's copy of their records."""

from django.urls import path

from practice.accountability.auditlog import views as auditlog
from practice.accountability.concerns import views as concerns
from practice.accountability.records import views as records
from practice.accountability.reports import views as reports
from practice.accountability.review import views as review
from practice.accountability.supervision import views as supervision

urlpatterns = [
    path("portal/concerns/", concerns.portal_list, name="portal_concerns"),
    path("portal/concerns/<uuid:concern_id>/", concerns.portal_detail, name="portal_concern"),
    path("accountability/concerns/", concerns.staff_list, name="concerns"),
    path("accountability/concerns/<uuid:concern_id>/", concerns.staff_detail, name="concern_detail"),
    path("accountability/log/", auditlog.audit_log, name="audit_log"),
    path("accountability/reports/", reports.reports, name="reports"),
    path("accountability/reports/state/", reports.state_report, name="state_report"),
    path("portal/records/", records.my_records, name="my_records"),
    path("portal/records/prepare/", records.my_records_prepare, name="my_records_prepare"),
    path("portal/records/download/<uuid:export_id>/", records.my_records_download, name="my_records_download"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/<uuid:therapist_id>/review/", review.review, name="supervisee_review"),
    path("supervision/<uuid:therapist_id>/review/mark/", review.mark, name="supervisee_mark"),
]
