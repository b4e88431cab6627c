"""Writes and reads for consent: templates and versions, rendering, signing, revoking."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from practice.models import Membership, PractitionerProfile, SupervisionLink, User
from practice.roles import Role

from .consent import ConsentKind, ConsentRevocation, ConsentSignature, ConsentTemplate, ConsentTemplateVersion
from .consent_state import ConsentState, SignatureFact, consent_state
from .models import CaseloadAssignment, Client, IntakeVersion

# Documents whose text names the practitioners, their credentials and their supervisors.
NAMES_PRACTITIONERS = {ConsentKind.INFORMED, ConsentKind.SUPERVISION}


class ConsentError(ValidationError):
    """A reason, fit to show the person, why a consent action was refused."""


@transaction.atomic
def template_write(*, by: Membership, kind: str, title: str, body: str) -> ConsentTemplateVersion:
    """Create the practice's document of `kind`, or add a new version of it."""
    if by.role != Role.ADMIN:
        raise PermissionDenied("Only practice admins edit consent documents.")
    if kind not in ConsentKind.values:
        raise ConsentError("Unknown kind of consent.")
    if not title.strip() or not body.strip():
        raise ConsentError("A consent document needs a title and a text.")
    template, _ = ConsentTemplate.objects.get_or_create(practice_id=by.practice_id, kind=kind)
    ConsentTemplate.objects.select_for_update().filter(pk=template.pk).first()
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ConsentTemplateVersion.objects.create(template=template, number=number, title=title.strip(),
                                                 body=body.strip(), created_by=by)


def latest_versions(practice_id) -> dict[int, ConsentTemplateVersion]:
    """The newest version of each of the practice's documents, by template id (one query)."""
    rows = (ConsentTemplateVersion.objects.filter(template__practice_id=practice_id)
            .select_related("template").order_by("template_id", "-number").distinct("template_id"))
    return {v.template_id: v for v in rows}


def _practitioner_lines(client: Client) -> list[str]:
    therapists = [a.therapist for a in CaseloadAssignment.objects.filter(client=client, ended_at__isnull=True)
                  .select_related("therapist__user").order_by("therapist__user__full_name")]
    profiles = {p.membership_id: p for p in PractitionerProfile.objects.filter(membership__in=therapists)}
    supervisors = defaultdict(list)
    for link in SupervisionLink.objects.filter(therapist__in=therapists, ended_at__isnull=True).select_related(
            "supervisor__user").order_by("supervisor__user__full_name"):
        supervisors[link.therapist_id].append(str(link.supervisor.user))
    lines = []
    for t in therapists:
        profile = profiles.get(t.pk)
        credentials = profile.credentials.strip() if profile and profile.credentials.strip() else "none recorded"
        licence = (f"{profile.licence_line} ({profile.get_verification_display().lower()})" if profile
                   else "No licence recorded")
        supervised = ", ".join(supervisors[t.pk]) or "nobody recorded"
        lines.append(f"- {t.user}. Licence: {licence}. Training: {credentials}. Supervised by: {supervised}.")
    return lines or ["- No practitioner is assigned yet."]


def render(version: ConsentTemplateVersion, client: Client) -> str:
    """The exact text the client reads and signs (stored and hashed with the signature)."""
    parts = [
        version.title,
        f"Version {version.number} of {version.template.get_kind_display()}, {client.practice.name}",
        f"Client: {client.membership.user.get_full_name()}",
        "",
        version.body,
    ]
    if version.template.kind in NAMES_PRACTITIONERS:
        parts += ["", "Your practitioners, their credentials and who supervises them:", *_practitioner_lines(client)]
    return "\n".join(parts).replace("\r\n", "\n")


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


def states_for(clients, practice_id) -> tuple[list[ConsentTemplateVersion], dict]:
    """For each client, the state of every practice document: {client_id: {template_id: state}}.

    Two queries, whatever the number of clients.
    """
    versions = sorted(latest_versions(practice_id).values(), key=lambda v: v.template.kind)
    ids = [c.pk for c in clients]
    facts = defaultdict(list)
    rows = ConsentSignature.objects.filter(client_id__in=ids).values(
        "id", "client_id", "version__template_id", "version__number", "signed_at", "revocation__id")
    for row in rows:
        facts[(row["client_id"], row["version__template_id"])].append(SignatureFact(
            row["id"], row["version__number"], row["signed_at"], row["revocation__id"] is not None))
    states: dict = {c.pk: {} for c in clients}
    for c in clients:
        for v in versions:
            states[c.pk][v.template_id] = consent_state(v.number, facts[(c.pk, v.template_id)])
    return versions, states


def kind_state(client: Client, kind: str) -> ConsentState:
    """Whether the client's consent of one kind is in force (two small queries)."""
    version = (ConsentTemplateVersion.objects.filter(template__practice_id=client.practice_id, template__kind=kind)
               .order_by("-number").only("number", "template_id").first())
    if version is None:
        return consent_state(None, [])
    rows = ConsentSignature.objects.filter(client_id=client.pk, version__template_id=version.template_id).values_list(
        "id", "version__number", "signed_at", "revocation__id")
    return consent_state(version.number, [SignatureFact(i, n, at, rev is not None) for i, n, at, rev in rows])


def informed_consent_state(client: Client) -> ConsentState:
    """Whether informed consent to MDMA-assisted therapy is in force (the sessions gate)."""
    return kind_state(client, ConsentKind.INFORMED)
