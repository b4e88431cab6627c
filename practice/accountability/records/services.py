"""What a client's copy of their records holds, and building it (a Celery worker's job).

A zip with a JSON file of everything they gave or signed, the same as a readable PDF, and PDFs
of their signed consents and flight plans. Session notes written by practitioners are not in the self-service copy
(psychotherapy notes have their own access route in many jurisdictions); the JSON says how
to ask for them. Top layer: it reads every app's records.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from clients.consent.models import ConsentSignature
from clients.consent.pdf import consent_pdf
from clients.export.models import RecordsExport, RecordsExportFile
from clients.models import Client
from practice.accountability.concerns.models import ConcernEntry
from practice.pdf import document, heading, output, paragraphs
from practice.timing import TIMING
from screening.forms import TITLES as FORM_TITLES
from screening.models import MedicationEntry
from screening.selectors import readable_answers
from screening.services import KINDS
from sessions.checkins.models import CheckInAnswer
from sessions.flightplans.models import FlightPlanVersion
from sessions.flightplans.selectors import flight_plan_pdf
from sessions.flightplans.selectors import readable as readable_plan
from sessions.livelog.models import DoseGiven
from sessions.models import TherapySession
from sessions.scheduling.selectors import client_zone
from sessions.surveys.models import SurveyResponse

log = logging.getLogger(__name__)

NOTES = "Session notes are not included in this copy. Ask your practice for them."


def _rows(queryset, *fields):
    return [dict(row) for row in queryset.values(*fields)] if fields else [dict(row) for row in queryset.values()]


def records(client: Client) -> dict:


    forms = {}
    for kind, model in KINDS.items():
        forms[kind] = _rows(model.objects.filter(client=client, submitted_at__isnull=False).order_by("number"))
    forms["medication_entries"] = _rows(MedicationEntry.objects.filter(screening__client=client,
                                                                       screening__submitted_at__isnull=False))
    sessions = TherapySession.objects.filter(client=client).order_by("scheduled_start")
    return {
        "exported_at": timezone.now(),
        "practice": client.practice.name,
        "client": {"name": client.membership.user.get_full_name(), "email": client.membership.user.email,
                   "stage": client.stage, "since": client.created_at},
        "forms": forms,
        "consents": _rows(ConsentSignature.objects.filter(client=client).order_by("signed_at"),
                          "id", "version__template__kind", "version__number", "typed_name", "signed_at", "text_sha256",
                          "rendered_text", "revocation__revoked_at", "revocation__reason"),
        "flight_plans": _rows(FlightPlanVersion.objects.filter(client=client).order_by("number"),
                              "number", "content", "content_sha256", "created_at"),
        "sessions": _rows(sessions, "id", "kind", "status", "scheduled_start", "started_at", "ended_at",
                          "practitioner__user__full_name"),
        "doses_given": _rows(DoseGiven.objects.filter(session__client=client).order_by("at"),
                             "session_id", "which", "amount_mg", "at"),
        "check_in_answers": _rows(CheckInAnswer.objects.filter(checkin__client=client).order_by("submitted_at")),
        "alliance_surveys": _rows(SurveyResponse.objects.filter(client=client).order_by("submitted_at"),
                                  "practitioner__user__full_name", "instrument_key", "instrument_version", "answers",
                                  "submitted_at"),
        "concerns": _rows(client.concerns.all().order_by("created_at"), "id", "about__user__full_name", "category",
                          "created_at"),
        "concern_entries": _rows(ConcernEntry.objects.filter(concern__client=client, kind="client").order_by("at"),
                                 "concern_id", "text", "at"),
        "session_notes": NOTES,
    }


def readable_pdf(client: Client) -> bytes:
    """The same records for people to read: forms question by question, the latest flight plan,
    consents and sessions, in the client's own zone."""
    zone = client_zone(client)
    pdf = document("My records")
    heading(pdf, f"Records of {client.membership.user.get_full_name()}, {client.practice.name}")
    paragraphs(pdf, f"Prepared {timezone.now().astimezone(zone):%-d %B %Y, %H:%M} ({zone.key.replace('_', ' ')} time). "
                    f"{NOTES}")
    for kind, model in KINDS.items():
        record = model.objects.filter(client=client, submitted_at__isnull=False).order_by("-number").first()
        if record is None:
            continue
        heading(pdf, f"{FORM_TITLES[kind]} (version {record.number}, "
                     f"{record.submitted_at.astimezone(zone):%-d %b %Y})", size=12)
        paragraphs(pdf, "\n".join(f"{q}: {a}" for q, a in readable_answers(kind, record)))
    plan = FlightPlanVersion.objects.filter(client=client).order_by("-number").first()
    if plan is not None:
        heading(pdf, f"Flight plan (version {plan.number})", size=12)
        paragraphs(pdf, "\n".join(f"{label}: {value}" for label, value in readable_plan(plan.content, for_client=True)))
    signatures = list(ConsentSignature.objects.filter(client=client).select_related("version__template", "revocation")
                      .order_by("signed_at"))
    if signatures:
        heading(pdf, "Consents", size=12)
        paragraphs(pdf, "\n".join(
            f"{s.version.template.get_kind_display()}, version {s.version.number}: signed "
            f"{s.signed_at.astimezone(zone):%-d %b %Y}"
            + (f", withdrawn {s.revocation.revoked_at.astimezone(zone):%-d %b %Y}" if hasattr(s, "revocation") else "")
            for s in signatures))
    sessions = list(TherapySession.objects.filter(client=client).select_related("practitioner__user")
                    .order_by("scheduled_start"))
    if sessions:
        heading(pdf, "Sessions", size=12)
        paragraphs(pdf, "\n".join(f"{s.scheduled_start.astimezone(zone):%-d %b %Y, %H:%M}: {s.get_kind_display()} "
                                   f"session with {s.practitioner.user}, {s.get_status_display().lower()}"
                                   for s in sessions))
    return output(pdf)


def records_zip(client: Client) -> bytes:


    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("records.json", json.dumps(records(client), cls=DjangoJSONEncoder, indent=1, ensure_ascii=False))
        z.writestr("my-records.pdf", readable_pdf(client))  # the same, for reading
        for sig in ConsentSignature.objects.filter(client=client).select_related("version__template", "signer"):
            z.writestr(f"consents/{sig.version.template.kind}-v{sig.version.number}-{sig.signed_at:%Y%m%d}.pdf",
                       consent_pdf(sig))
        for version in FlightPlanVersion.objects.filter(client=client):
            z.writestr(f"flight-plans/flight-plan-v{version.number}.pdf", flight_plan_pdf(version))
    return buffer.getvalue()


def export_build(export_id) -> str:
    """Build the zip of one export (the worker's job); a second worker skips a locked row."""
    try:
        with transaction.atomic():
            export = (RecordsExport.objects.select_for_update(skip_locked=True, of=("self",))
                      .select_related("client__membership__user", "client__practice")
                      .filter(pk=export_id, state=RecordsExport.State.PREPARING).first())
            if export is None:
                return "skipped"
            data = records_zip(export.client)
            RecordsExportFile.objects.create(export=export, content=data)
            now = timezone.now()
            RecordsExport.objects.filter(pk=export.pk).update(state=RecordsExport.State.READY, ready_at=now,
                                                              expires_at=now + TIMING.records_copy_valid_for, size=len(data))
    except Exception:
        log.exception("records export %s failed", export_id)
        RecordsExport.objects.filter(pk=export_id, state=RecordsExport.State.PREPARING).update(
            state=RecordsExport.State.FAILED)
        return "failed"
    return "ready"
