"""Writes for session notes: drafts, signing, addenda, supervisor co-signatures; overdue notes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from practice.models import Membership, SupervisionLink
from practice.roles import Role
from sessions.livelog.selectors import adverse_in_log
from sessions.notes.models import TEMPLATES, NoteAddendum, NoteCoSignature, SessionNote
from sessions.scheduling.models import Kind, TherapySession

NOTHING = {"", "none", "no", "nil", "n/a", "na", "-", "nothing"}  # an "Adverse events" field that says none


@transaction.atomic
def note_save(*, session: TherapySession, author: Membership, content: dict, sign: bool) -> SessionNote:
    if author.pk != session.practitioner_id:
        raise PermissionDenied("Only the session's practitioner writes its note.")
    fields = {name for name, _, _ in TEMPLATES[session.kind]}
    content = {k: v.strip() for k, v in content.items() if k in fields}
    note = SessionNote.objects.select_for_update().filter(session=session).first()
    if note is not None and note.signed_at is not None:
        raise ValidationError("This note is signed and locked. Add an addendum instead.")
    if sign and not any(content.values()):
        raise ValidationError("An empty note cannot be signed.")
    if sign and session.kind == Kind.MEDICINE and content.get("adverse_events", "").strip().lower() in NOTHING:
        logged = adverse_in_log(session)
        if logged:
            raise ValidationError("The session log records adverse effects or emergency signs (" + "; ".join(logged)
                                  + "). Describe them under Adverse events before signing.")
    now = timezone.now()
    if note is None:
        note = SessionNote(session=session, author=author)
    note.content, note.updated_at = content, now
    note.signed_at = now if sign else None
    note.save()
    return note


@transaction.atomic
def addendum_add(*, note: SessionNote, author: Membership, text: str) -> NoteAddendum:
    if author.pk != note.author_id:
        raise PermissionDenied("Only the note's author adds addenda.")
    if note.signed_at is None:
        raise ValidationError("The note is still a draft: edit it directly.")
    if not text.strip():
        raise ValidationError("Write the addendum.")
    return NoteAddendum.objects.create(note=note, author=author, text=text.strip())


@transaction.atomic
def note_cosign(*, note: SessionNote, supervisor: Membership, comment: str = "") -> NoteCoSignature:
    if supervisor.role != Role.SUPERVISOR or not SupervisionLink.objects.filter(
            supervisor=supervisor, therapist_id=note.author_id, ended_at__isnull=True).exists():
        raise PermissionDenied("Only the author's supervisor co-signs.")
    if note.signed_at is None:
        raise ValidationError("The author has not signed this note yet.")
    if note.cosignatures.filter(supervisor=supervisor).exists():
        raise ValidationError("You have already co-signed this note.")
    return NoteCoSignature.objects.create(note=note, supervisor=supervisor, comment=comment.strip())
