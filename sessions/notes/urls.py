"""URLs of session notes: writing, addenda and co-signature."""

from django.urls import path

from sessions.notes import views

urlpatterns = [
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/note/", views.note, name="session_note"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/note/addendum/", views.addendum, name="note_addendum"),
    path("clients/<uuid:client_id>/sessions/<uuid:session_id>/note/cosign/", views.cosign, name="note_cosign"),
]
