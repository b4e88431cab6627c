"""A copy of a client's own records: a zip with a JSON file of everything they gave or signed
and PDFs of their signed consents and flight plans.

The zip is built by a Celery worker, never in a web request (a long history took longer than
the web server's timeout): the client asks for a copy, the portal says it is being prepared,
and the finished zip waits in the database (web and worker machines share nothing else) for
`VALID_FOR`, then is deleted. Who asked, when it was ready and when it was downloaded are in
the audit trail (`RecordsExport` is audited; the zip's bytes are not copied into it).

Session notes written by practitioners are not in the self-service copy (psychotherapy notes
have their own access route in many jurisdictions); the JSON says how to ask for them.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import Client

log = logging.getLogger(__name__)

VALID_FOR = timedelta(days=1)  # how long a prepared copy can be downloaded
REUSE_WITHIN = timedelta(minutes=10)  # asking again this soon gives the same copy
LOST_AFTER = timedelta(minutes=5)  # a copy still "being prepared" this long is queued again


class RecordsExport(models.Model):
    class State(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARING)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True, help_text="The latest download.")
    size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client"], condition=models.Q(state="preparing"),
                                               name="records_export_one_preparing")]

    def __str__(self) -> str:
        return f"Records copy {self.pk}"

    @property
    def downloadable(self) -> bool:
        return self.state == self.State.READY and self.expires_at is not None and self.expires_at > timezone.now()


class RecordsExportFile(models.Model):
    """The zip of a ready export, deleted when it expires (not audited: a copy of audited rows)."""

    export = models.OneToOneField(RecordsExport, primary_key=True, on_delete=models.PROTECT, related_name="file")
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"Zip of {self.export_id}"

NOTES = "Session notes are not included in this copy. Ask your practice for them."


def _rows(queryset, *fields):
    return [dict(row) for row in queryset.values(*fields)] if fields else [dict(row) for row in queryset.values()]


def records(client: Client) -> dict:
    from practice.concerns import ConcernEntry
    from screening.models import MedicationEntry
    from screening.services import KINDS
    from sessions.checkins import CheckInAnswer
    from sessions.flightplan import FlightPlanVersion
    from sessions.log import DoseGiven
    from sessions.models import TherapySession
    from sessions.surveys import SurveyResponse

    from .consent import ConsentSignature

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


def records_zip(client: Client) -> bytes:
    from sessions.flightplan import FlightPlanVersion
    from sessions.flightplans import flight_plan_pdf

    from .consent import ConsentSignature
    from .pdf import consent_pdf

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("records.json", json.dumps(records(client), cls=DjangoJSONEncoder, indent=1, ensure_ascii=False))
        for sig in ConsentSignature.objects.filter(client=client).select_related("version__template", "signer"):
            z.writestr(f"consents/{sig.version.template.kind}-v{sig.version.number}-{sig.signed_at:%Y%m%d}.pdf",
                       consent_pdf(sig))
        for version in FlightPlanVersion.objects.filter(client=client):
            z.writestr(f"flight-plans/flight-plan-v{version.number}.pdf", flight_plan_pdf(version))
    return buffer.getvalue()


# --- services ------------------------------------------------------------------------------

def latest_export(client: Client) -> RecordsExport | None:
    return RecordsExport.objects.filter(client=client).order_by("-requested_at").first()


def export_request(*, client: Client, user) -> tuple[RecordsExport, bool]:
    """Ask for a copy: (the export, whether a new one was started). One at a time; a copy asked
    for in the last few minutes is given again rather than built twice."""
    current = latest_export(client)
    if current and (current.state == RecordsExport.State.PREPARING or (
            current.downloadable and current.requested_at > timezone.now() - REUSE_WITHIN)):
        return current, False
    try:
        with transaction.atomic():
            export = RecordsExport.objects.create(client=client, requested_by=user)
    except IntegrityError:  # a second request at the same moment: the first one stands
        return latest_export(client), False
    return export, True


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
                                                              expires_at=now + VALID_FOR, size=len(data))
    except Exception:
        log.exception("records export %s failed", export_id)
        RecordsExport.objects.filter(pk=export_id, state=RecordsExport.State.PREPARING).update(
            state=RecordsExport.State.FAILED)
        return "failed"
    return "ready"


def export_download(export: RecordsExport) -> bytes:
    RecordsExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    return bytes(RecordsExportFile.objects.get(export=export).content)


def exports_housekeeping() -> dict:
    """Delete expired zips; list copies whose build message was lost, to queue again."""
    now = timezone.now()
    with transaction.atomic():
        expired = list(RecordsExport.objects.filter(state=RecordsExport.State.READY, expires_at__lte=now)
                       .values_list("pk", flat=True))
        RecordsExportFile.objects.filter(export_id__in=expired).delete()
        RecordsExport.objects.filter(pk__in=expired).update(state=RecordsExport.State.EXPIRED)
    lost = list(RecordsExport.objects.filter(state=RecordsExport.State.PREPARING,
                                             requested_at__lt=now - LOST_AFTER).values_list("pk", flat=True))
    return {"expired": len(expired), "requeue": [str(pk) for pk in lost]}
