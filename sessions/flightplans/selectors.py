"""Reads for flight plans: status, the plan in force, the crisis plan for emergencies, diffs,
the readable form and the PDF."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from clients.caseload.models import Client
from practice.pdf import document, heading, output, paragraphs, utc
from screening.models import MedicalScreening, MedicationScreening, PsychologicalScreening
from sessions.flightplans.forms import CLIENT_LABELS, FlightPlanForm
from sessions.flightplans.models import CLIENT, THERAPIST, FlightPlanVersion


@dataclass(frozen=True)
class PlanStatus:
    code: str  # none | draft | client_signed | therapist_signed | final
    label: str


def plan_status(version: FlightPlanVersion | None) -> PlanStatus:
    if version is None:
        return PlanStatus("none", "No flight plan yet")
    roles = {s.role for s in version.signatures.all()}
    if roles == {CLIENT, THERAPIST}:
        return PlanStatus("final", "Final: signed by client and therapist")
    if roles == {CLIENT}:
        return PlanStatus("client_signed", "Signed by the client; awaiting the therapist")
    if roles == {THERAPIST}:
        return PlanStatus("therapist_signed", "Signed by the therapist; awaiting the client")
    return PlanStatus("draft", "Draft: not signed")


def latest_screening_at(client: Client):
    times = [m.objects.filter(client=client, submitted_at__isnull=False).aggregate(t=Max("submitted_at"))["t"]
             for m in (MedicalScreening, MedicationScreening, PsychologicalScreening)]
    times = [t for t in times if t]
    return max(times) if times else None


def plan_in_force(client: Client) -> tuple[FlightPlanVersion | None, str]:
    """The plan for a medicine session: the latest version signed by both after the latest
    screening (the sessions gate uses this)."""
    screened = latest_screening_at(client)
    for version in FlightPlanVersion.objects.filter(client=client).prefetch_related("signatures").order_by("-number"):
        signed = {s.role: s.signed_at for s in version.signatures.all()}
        if set(signed) == {CLIENT, THERAPIST}:
            if screened and min(signed.values()) < screened:
                return None, "The last fully signed plan predates the latest screening: review and sign it again."
            return version, f"Version {version.number}, signed by both."
    return None, "No version is signed by both client and therapist."


@dataclass(frozen=True)
class CrisisPlan:
    """What to show in an emergency: the crisis section of the latest plan signed by both."""

    hospital: str
    notify: str
    hotline: str
    version: int | None  # None: no plan signed by both exists
    signed_on: object  # the date both signatures were complete


def crisis_plan(client: Client) -> CrisisPlan:
    """In an emergency the latest plan signed by both counts whatever its freshness (a routine
    screening update must not hide it); the readiness gate still requires a fresh one."""
    for version in FlightPlanVersion.objects.filter(client=client).prefetch_related("signatures").order_by("-number"):
        signed = {s.role: s.signed_at for s in version.signatures.all()}
        if set(signed) == {CLIENT, THERAPIST}:
            content = version.content
            return CrisisPlan(hospital=content.get("preferred_hospital", ""), notify=content.get("people_to_notify", ""),
                              hotline=content.get("hotline", ""), version=version.number,
                              signed_on=max(signed.values()))
    return CrisisPlan(hospital="", notify="", hotline="", version=None, signed_on=None)


LABELS = {name: field.label for name, field in FlightPlanForm.base_fields.items()}


def plan_diff(older: dict, newer: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for each answer that changed between two versions."""
    changes = []
    for name in list(LABELS) + ["checklist"]:
        before, after = older.get(name), newer.get(name)
        if before != after:
            if name == "checklist":
                labels = {**older.get("checklist_labels", {}), **newer.get("checklist_labels", {})}
                before = "; ".join(f"{labels.get(k, k)}: {'done' if v else 'open'}" for k, v in (before or {}).items())
                after = "; ".join(f"{labels.get(k, k)}: {'done' if v else 'open'}" for k, v in (after or {}).items())
            changes.append((LABELS.get(name, "Precaution checklist"), _show(before), _show(after)))
    return changes


def _show(value) -> str:
    if value is True:
        return "yes"
    if value in (False, None, ""):
        return "—"
    return str(value)


def readable(content: dict, *, for_client: bool = False) -> list[tuple[str, str]]:
    """The plan as (label, value); for the client, their own parts in their words."""
    words = {**LABELS, **CLIENT_LABELS} if for_client else LABELS
    rows = [(words[name], _show(content.get(name))) for name in LABELS if name in content]
    labels = content.get("checklist_labels", {})
    rows += [(f"Checklist: {labels.get(k, k)}", "done" if v else "open") for k, v in content.get("checklist", {}).items()]
    return rows


def flight_plan_pdf(version: FlightPlanVersion) -> bytes:
    pdf = document(f"Flight plan v{version.number}")
    heading(pdf, f"Flight plan, version {version.number}")
    paragraphs(pdf, f"Client: {version.client.membership.user.get_full_name()}\n"
                    f"Practice: {version.client.practice.name}\nWritten by {version.author} at {utc(version.created_at)}")
    pdf.ln(2)
    for label, value in readable(version.content):
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5, label, markdown=False, new_x="LMARGIN", new_y="NEXT")
        paragraphs(pdf, value)
        pdf.ln(1)
    heading(pdf, "Signatures", size=11)
    lines = [f"{s.get_role_display()}: {s.signer} ({s.signer.email}) at {utc(s.signed_at)}"
             for s in version.signatures.select_related("signer").order_by("signed_at")] or ["Not signed."]
    lines.append(f"SHA-256 of the plan's content: {version.content_sha256}")
    paragraphs(pdf, "\n".join(lines), size=9)
    return output(pdf)
