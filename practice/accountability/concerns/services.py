"""Raising and reviewing client concerns. Emails say only that something needs review."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from clients import access
from clients.consent.selectors import contact_blocked
from clients.models import CaseloadAssignment, Client
from practice.accountability.concerns import emails
from practice.accountability.concerns.models import Concern, ConcernEntry
from practice.roles import Role
from practice.tenancy.models import Membership, SupervisionLink


def reviewers_of(concern: Concern) -> list[Membership]:
    """The practitioner's active supervisors and the accountability contact (admins when none
    is set); never the practitioner the concern is about."""
    supervisors = [link.supervisor for link in SupervisionLink.objects.filter(
        therapist_id=concern.about_id, ended_at__isnull=True).select_related("supervisor__user")]
    practice = concern.practice
    if practice.accountability_contact_id:
        contacts = list(Membership.objects.filter(pk=practice.accountability_contact_id).select_related("user"))
    else:
        contacts = list(Membership.objects.filter(practice=practice, role=Role.ADMIN, is_active=True)
                        .select_related("user"))
    unique = {m.pk: m for m in supervisors + contacts if m.pk != concern.about_id and m.is_active}
    return list(unique.values())


def _notify(concern: Concern, *, added: bool) -> None:
    for reviewer in reviewers_of(concern):
        emails.concern_review(reviewer.user, concern, added=added).send()


@transaction.atomic
def concern_raise(*, client: Client, by: Membership, about_id, category: str, text: str) -> Concern:
    if by.pk != client.membership_id:
        raise PermissionDenied("Only the client raises their own concern.")
    assignment = CaseloadAssignment.objects.filter(client=client, therapist_id=about_id).select_related("therapist").first()
    if assignment is None:
        raise ValidationError("Choose one of your practitioners.")
    if category not in Concern.Category.values:
        raise ValidationError("Choose what the concern is about.")
    if not text.strip():
        raise ValidationError("Tell us what happened.")
    concern = Concern.objects.create(practice_id=client.practice_id, client=client, about=assignment.therapist,
                                     category=category)
    ConcernEntry.objects.create(concern=concern, author=by, kind=ConcernEntry.Kind.CLIENT, text=text.strip()[:5000])
    transaction.on_commit(lambda: _notify(concern, added=False))
    return concern


@transaction.atomic
def client_add(*, concern: Concern, by: Membership, text: str) -> ConcernEntry:
    if by.pk != concern.client.membership_id:
        raise PermissionDenied("Only the client adds to their concern.")
    if not text.strip():
        raise ValidationError("Write what you want to add.")
    entry = ConcernEntry.objects.create(concern=concern, author=by, kind=ConcernEntry.Kind.CLIENT, text=text.strip()[:5000])
    transaction.on_commit(lambda: _notify(concern, added=True))
    return entry


@transaction.atomic
def review_add(*, concern: Concern, by: Membership, text: str, status: str, share: bool, reply: str = "",
               session=None) -> ConcernEntry:
    if not access.can_review_concern(by, concern):
        raise PermissionDenied("You do not review this concern.")
    if status and status not in Concern.Status.values:
        raise ValidationError("Choose a status from the list.")
    if session is not None and (session.client_id != concern.client_id or session.practitioner_id != concern.about_id):
        raise ValidationError("Choose one of this client's sessions with the practitioner.")
    if not (text.strip() or status or share or reply.strip() or session):
        raise ValidationError("Write a note or a reply, change the status, link a session or share the concern.")
    entry = ConcernEntry.objects.create(concern=concern, author=by, kind=ConcernEntry.Kind.REVIEWER,
                                        text=text.strip()[:5000], status=status, share=share,
                                        reply=reply.strip()[:5000], session=session)
    if entry.reply:
        transaction.on_commit(lambda: _tell_client(concern))
    return entry


def _tell_client(concern: Concern) -> None:
    """An email with a link only, and only with the client's consent to email contact."""
    if contact_blocked(concern.client):
        return
    emails.concern_reply(concern.client.membership.user, concern).send()


def status_of(entries) -> str:
    status = Concern.Status.OPEN
    for entry in entries:
        if entry.status:
            status = entry.status
    return status
