"""Writes of consent: publishing a template version, signing and revoking (append-only)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clients.caseload.models import Client
from clients.consent.models import (
    ConsentDraft,
    ConsentKind,
    ConsentRevocation,
    ConsentSignature,
    ConsentTemplate,
    ConsentTemplateVersion,
)
from clients.consent.selectors import render
from clients.intake.models import IntakeVersion
from practice.models import Membership, User
from practice.roles import Role


class ConsentError(ValidationError):
    """A reason, fit to show the person, why a consent action was refused."""


def _admin_kind(by: Membership, kind: str) -> None:
    if by.role != Role.ADMIN:
        raise PermissionDenied("Only practice admins edit consent documents.")
    if kind not in ConsentKind.values:
        raise ConsentError("Unknown kind of consent.")


def draft_save(*, by: Membership, kind: str, title: str, body: str) -> ConsentDraft:
    """Keep an unpublished text to come back to and preview; clients see nothing of it."""
    _admin_kind(by, kind)
    draft, _ = ConsentDraft.objects.update_or_create(practice_id=by.practice_id, kind=kind, defaults={
        "title": title.strip(), "body": body.strip(), "updated_by": by, "updated_at": timezone.now()})
    return draft


@transaction.atomic
def template_write(*, by: Membership, kind: str, title: str, body: str,
                   correction_reason: str = "") -> ConsentTemplateVersion:
    """Publish the practice's document of `kind` as a new version (its draft is then removed).
    With a reason it is a correction: signatures of earlier versions stay in force."""
    _admin_kind(by, kind)
    if not title.strip() or not body.strip():
        raise ConsentError("A consent document needs a title and a text.")
    template, _ = ConsentTemplate.objects.get_or_create(practice_id=by.practice_id, kind=kind)
    ConsentTemplate.objects.select_for_update().filter(pk=template.pk).first()
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    reason = correction_reason.strip()
    if reason and number == 1:
        raise ConsentError("The first version has nothing to correct: publish it for clients to sign.")
    if reason and len(reason) < 10:
        raise ConsentError("Say in a sentence what the correction changes and why clients need not sign again.")
    ConsentDraft.objects.filter(practice_id=by.practice_id, kind=kind).delete()
    return ConsentTemplateVersion.objects.create(template=template, number=number, title=title.strip(),
                                                 body=body.strip(), created_by=by, needs_resign=not reason,
                                                 correction_reason=reason[:2000])


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _names_of(client: Client, user: User) -> set[str]:
    names = {_plain_name(user.full_name)} if user.full_name.strip() else set()
    intake = IntakeVersion.objects.filter(client=client, submitted_at__isnull=False).order_by("-number").first()
    if intake and intake.legal_name.strip():
        names.add(_plain_name(intake.legal_name))
    return names


@transaction.atomic
def consent_sign(*, client: Client, user: User, version_id: int, text_sha256: str, typed_name: str,
                 ip_address: str | None, user_agent: str) -> ConsentSignature:
    """The client signs the version they read. Refuses a stale version, changed text, a name
    that is not theirs, someone else's hand, and a second signature of the same version."""
    if client.membership.user_id != user.pk:
        raise PermissionDenied("Only the client signs their own consent.")
    Client.objects.select_for_update().filter(pk=client.pk).first()  # serialises double submissions
    version = (ConsentTemplateVersion.objects.select_related("template")
               .filter(pk=version_id, template__practice_id=client.practice_id).first())
    if version is None:
        raise ConsentError("This document does not exist.")
    newest = version.template.versions.order_by("-number").first()
    if newest.pk != version.pk:
        raise ConsentError("A newer version of this document has been published. Please read it before signing.")
    text = render(version, client)
    if sha256(text) != text_sha256:
        raise ConsentError("The text changed while you were reading it. Please read it again before signing.")
    if _plain_name(typed_name) not in _names_of(client, user):
        raise ConsentError("Type your full name exactly as it appears on your account or intake form.")
    latest = ConsentSignature.objects.filter(client=client, version__template=version.template).order_by(
        "-signed_at").first()
    if latest and latest.version_id == version.pk and not ConsentRevocation.objects.filter(signature=latest).exists():
        raise ConsentError("You have already signed this version.")
    return ConsentSignature.objects.create(
        client=client, version=version, signer=user, typed_name=typed_name.strip(), rendered_text=text,
        text_sha256=sha256(text), ip_address=ip_address, user_agent=(user_agent or "")[:500],
    )


@transaction.atomic
def consent_revoke(*, signature: ConsentSignature, user: User, reason: str) -> ConsentRevocation:
    if signature.client.membership.user_id != user.pk:
        raise PermissionDenied("Only the client withdraws their own consent.")
    if ConsentRevocation.objects.filter(signature=signature).exists():
        raise ConsentError("This consent was already withdrawn.")
    return ConsentRevocation.objects.create(signature=signature, revoked_by=user, reason=reason.strip()[:2000])
