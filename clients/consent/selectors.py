"""Reads of consent: the versions in force, the text a client signs, and which consents are in
force for a client (derived by consent.rules from signatures and revocations), plus whether a
client may be emailed at all."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max, OuterRef, Subquery

from clients.caseload.models import CaseloadAssignment, Client
from clients.consent.models import ConsentKind, ConsentSignature, ConsentTemplateVersion
from clients.consent.rules import ConsentState, SignatureFact, consent_state
from practice.models import PractitionerProfile, SupervisionLink

# Documents whose text names the practitioners, their credentials and their supervisors.
NAMES_PRACTITIONERS = {ConsentKind.INFORMED, ConsentKind.SUPERVISION}


def _resign_from():
    """For a version row: the newest number of its document that needs signing again, or None."""
    return (ConsentTemplateVersion.objects.filter(template_id=OuterRef("template_id"), needs_resign=True)
            .order_by().values("template_id").annotate(n=Max("number")).values("n"))


def latest_versions(practice_id) -> dict[int, ConsentTemplateVersion]:
    """The newest version of each of the practice's documents, by template id, each with
    `resign_from`: the newest version number that needs signing again (one query)."""
    rows = (ConsentTemplateVersion.objects.filter(template__practice_id=practice_id)
            .select_related("template").annotate(resign_from=Subquery(_resign_from()))
            .order_by("template_id", "-number").distinct("template_id"))
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


def preview(kind: str, title: str, body: str, number: int) -> str:
    """A draft as a client would read it, with placeholders where their own details go."""
    parts = [title, f"Version {number} of {ConsentKind(kind).label}", "Client: (the client's name)", "", body]
    if kind in NAMES_PRACTITIONERS:
        parts += ["", "Your practitioners, their credentials and who supervises them:",
                  "- (each of the client's practitioners, with licence, training and supervisors)"]
    return "\n".join(parts).replace("\r\n", "\n")


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
            states[c.pk][v.template_id] = consent_state(v.number, facts[(c.pk, v.template_id)], v.resign_from)
    return versions, states


def kind_state(client: Client, kind: str) -> ConsentState:
    """Whether the client's consent of one kind is in force (two small queries)."""
    version = (ConsentTemplateVersion.objects.filter(template__practice_id=client.practice_id, template__kind=kind)
               .order_by("-number").only("number", "template_id").first())
    if version is None:
        return consent_state(None, [])
    rows = ConsentSignature.objects.filter(client_id=client.pk, version__template_id=version.template_id).values_list(
        "id", "version__number", "signed_at", "revocation__id")
    needs = (ConsentTemplateVersion.objects.filter(template_id=version.template_id, needs_resign=True)
             .aggregate(n=Max("number"))["n"])
    return consent_state(version.number, [SignatureFact(i, n, at, rev is not None) for i, n, at, rev in rows], needs)


def informed_consent_state(client: Client) -> ConsentState:
    """Whether informed consent to MDMA-assisted therapy is in force (the sessions gate)."""
    return kind_state(client, ConsentKind.INFORMED)


NO_LONGER_MEMBER = "The client's membership of the practice has ended."
NO_EMAIL_CONSENT = "No consent in force for contact by email."
PAUSED = "Paused by the client."


def contact_blocked_for(clients) -> dict:
    """{client id: why no email may go to them at all (no consent to contact by email, or they
    have left the practice), or ""}. Two queries whatever the number of clients or practices:
    the sender reads consent once per batch, not once per message."""
    clients = list({c.pk: c for c in clients}.values())
    if not clients:
        return {}
    latest = {v.template.practice_id: v for v in ConsentTemplateVersion.objects.filter(
        template__practice_id__in={c.practice_id for c in clients}, template__kind=ConsentKind.CONTACT_EMAIL)
        .select_related("template").annotate(resign_from=Subquery(_resign_from()))
        .order_by("template_id", "-number").distinct("template_id")}
    templates = [v.template_id for v in latest.values()]
    facts = defaultdict(list)
    for i, client_id, n, at, revocation in ConsentSignature.objects.filter(
            client_id__in=[c.pk for c in clients], version__template_id__in=templates).values_list(
            "id", "client_id", "version__number", "signed_at", "revocation__id"):
        facts[client_id].append(SignatureFact(i, n, at, revocation is not None))
    reasons = {}
    for c in clients:
        version = latest.get(c.practice_id)
        state = (consent_state(version.number, facts[c.pk], version.resign_from) if version
                 else consent_state(None, []))
        reasons[c.pk] = (NO_LONGER_MEMBER if not c.membership.is_active
                         else "" if state.in_force else NO_EMAIL_CONSENT)
    return reasons


def email_blocked_for(clients) -> dict:
    """{client id: why no check-in or survey email may go to them now (shown to staff), or ""}:
    they paused those emails, or `contact_blocked_for` says no."""
    clients = list(clients)
    contact = contact_blocked_for(clients)
    return {c.pk: PAUSED if c.checkins_paused else contact[c.pk] for c in clients}


def contact_blocked(client) -> str:
    return contact_blocked_for([client])[client.pk]


def email_blocked(client) -> str:
    return email_blocked_for([client])[client.pk]
