"""Writes for flight plans: saving (a person's consecutive unsigned edits update their draft;
otherwise a new version) and co-signing."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from clients.caseload.models import Client
from practice.models import User
from sessions.flightplans.models import CLIENT, THERAPIST, FlightPlanSignature, FlightPlanVersion

__all__ = ["CLIENT", "THERAPIST", "FlightPlanError", "content_hash", "plan_save", "plan_sign"]


class FlightPlanError(ValidationError):
    """A reason, fit to show the person, why a flight-plan action was refused."""


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@transaction.atomic
def plan_save(*, client: Client, author: User, content: dict) -> FlightPlanVersion:
    """Save the plan. A change to an unsigned version written by the same person updates that
    draft (the audit trail keeps each state); otherwise it becomes a new version, so a signature
    always stays with the exact text it signed and versions do not pile up edit by edit."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    latest = FlightPlanVersion.objects.filter(client=client).order_by("-number").first()
    digest = content_hash(content)
    if latest and latest.content_sha256 == digest:
        return latest  # nothing changed: no new version, signatures still apply
    if latest and latest.author_id == author.pk and not latest.signatures.exists():
        latest.content, latest.content_sha256 = content, digest
        latest.save(update_fields=["content", "content_sha256"])
        return latest
    number = (latest.number if latest else 0) + 1
    return FlightPlanVersion.objects.create(client=client, number=number, content=content, content_sha256=digest,
                                            author=author)


@transaction.atomic
def plan_sign(*, client: Client, user: User, role: str, version_id: int, content_sha256: str) -> FlightPlanSignature:
    """Sign the latest version as client or therapist. The caller has checked that `user` may
    act in `role` for `client` (the client themself; a therapist with write access)."""
    if role == CLIENT and client.membership.user_id != user.pk:
        raise PermissionDenied("Only the client signs as the client.")
    Client.objects.select_for_update().filter(pk=client.pk).first()
    version = FlightPlanVersion.objects.filter(client=client, pk=version_id).first()
    if version is None:
        raise FlightPlanError("This flight plan version does not exist.")
    latest = FlightPlanVersion.objects.filter(client=client).order_by("-number").first()
    if latest.pk != version.pk:
        raise FlightPlanError("The plan was changed since you opened it. Read the newest version before signing.")
    if version.content_sha256 != content_sha256:
        raise FlightPlanError("The plan's content does not match what you read. Reload it before signing.")
    if version.signatures.filter(role=role).exists():
        raise FlightPlanError("This version already carries that signature.")
    try:
        with transaction.atomic():
            return FlightPlanSignature.objects.create(version=version, role=role, signer=user,
                                                      content_sha256=version.content_sha256)
    except IntegrityError as exc:  # a concurrent double submission
        raise FlightPlanError("This version already carries that signature.") from exc
