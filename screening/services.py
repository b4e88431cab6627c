"""Writes for intake and screening: versions, reviews, acknowledgements, classifications."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clients.caseload.models import Client
from clients.caseload.tasks import notify_attention
from clients.intake.models import IntakeVersion
from practice.models import Membership, User
from practice.roles import Role
from practice.tasking import publish
from screening import medications as med
from screening.dosing import standard_dose
from screening.facts import build_facts, name_key, sources_for
from screening.models import (
    CautionAcknowledgement,
    MedicalScreening,
    MedicationEntry,
    MedicationScreening,
    PolicyVersion,
    PsychologicalScreening,
    ScreeningReview,
    SubstanceClassification,
)
from screening.policy import DEFAULT_POLICY, STRICTER, LooserPolicyError, Policy, from_overrides
from screening.rules import ALWAYS_AVOID, CAUTION, SUICIDE_CODES, Flag, evaluate
from screening.rules import status as rules_status

KINDS = {
    "intake": IntakeVersion,
    "medical": MedicalScreening,
    "medications": MedicationScreening,
    "psychological": PsychologicalScreening,
}


def current_draft(model, client: Client):
    return model.objects.filter(client=client, submitted_at__isnull=True).first()


def latest_version(model, client: Client):
    """The open draft if there is one, else the latest submitted version, else None."""
    return model.objects.filter(client=client).order_by("-number").first()


@transaction.atomic
def version_save(*, kind: str, client: Client, user: User, answers: dict, entries: list[dict] | None = None,
                 submit: bool = False):
    """Write `answers` into the client's open draft (starting one if needed); on `submit`,
    freeze it and store a new screening review."""
    model = KINDS[kind]
    Client.objects.select_for_update().filter(pk=client.pk).first()  # one writer per client at a time
    draft = current_draft(model, client)
    if draft is None:
        number = (model.objects.filter(client=client).aggregate(n=Max("number"))["n"] or 0) + 1
        draft = model(client=client, number=number, created_by=user)
    for name in model.ANSWER_FIELDS:
        if name not in answers:
            continue
        if answers[name] is None and not model._meta.get_field(name).null:
            continue  # left empty in a draft: keep the field's default
        setattr(draft, name, answers[name])
    draft.updated_at = timezone.now()
    draft.full_clean(exclude=["client", "created_by", "submitted_by"])
    draft.save()
    if entries is not None:
        draft.entries.all().delete()
        MedicationEntry.objects.bulk_create(
            MedicationEntry(screening=draft, position=n, **row) for n, row in enumerate(entries))
    if submit:
        draft.submitted_at = timezone.now()
        draft.submitted_by = user
        draft.save(update_fields=["submitted_at", "submitted_by"])
        review = review_create(client=client)
        if kind == "psychological" and suicide_risk(review):
            # Any yes on the C-SSRS screener reaches the therapists at once (moderate and high must be
            # seen at once, low within the day; the email carries no answers, only a link).

            transaction.on_commit(lambda: publish(notify_attention, str(client.pk)))
    return draft


def suicide_risk(review: ScreeningReview) -> str | None:
    """"high", "moderate" or "low" when the review's C-SSRS screener had a yes, else None."""
    return next((f["code"].rsplit("_", 1)[1] for f in review.flags if f["code"] in SUICIDE_CODES), None)


RATIONALE_MIN = DEFAULT_POLICY.rationale_min_chars  # characters: at least a sentence


def flag_digest(flag: Flag) -> str:
    return hashlib.sha256(json.dumps([flag.code, list(flag.facts)]).encode()).hexdigest()


def _flag_json(flag: Flag) -> dict:
    return {"tier": flag.tier, "code": flag.code, "key": flag.key, "digest": flag_digest(flag), "reason": flag.reason,
            "section": flag.section, "facts": [list(pair) for pair in flag.facts]}


def practice_policy(practice_id) -> Policy:
    latest = PolicyVersion.objects.filter(practice_id=practice_id).first()
    return from_overrides(latest.overrides) if latest else DEFAULT_POLICY


@transaction.atomic
def policy_update(*, by: Membership, values: dict, reason: str) -> PolicyVersion:
    """Store the practice's settings; refuses anything looser than the guide's defaults."""
    if by.role != Role.ADMIN:
        raise PermissionDenied("Only practice admins change the safety policy.")
    overrides = {k: v for k, v in values.items() if k in STRICTER and v != getattr(DEFAULT_POLICY, k)}
    try:
        DEFAULT_POLICY.tighten(**overrides)
    except LooserPolicyError as exc:
        raise ValidationError(str(exc)) from exc
    if not reason.strip():
        raise ValidationError("Say why the policy changes.")
    stored = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in overrides.items()}
    return PolicyVersion.objects.create(practice_id=by.practice_id, overrides=stored, reason=reason.strip(),
                                        created_by=by)


def review_create(*, client: Client) -> ScreeningReview:
    """Evaluate the latest submitted forms and store the result as seen now."""
    sources = sources_for(client)
    facts = build_facts(client, sources)
    policy = practice_policy(client.practice_id)
    flags = evaluate(facts, policy)
    if facts.mass_kg and facts.age is not None and facts.mass_kg > 0:
        # The dose flags of the standard plan (e.g. above 2 mg/kg: information) belong in the
        # review too, so every page that shows it, the flight plan checklist included, has them.
        plan = standard_dose(mass_kg=facts.mass_kg, age=facts.age, flags=flags, policy=policy)
        flags = evaluate(replace(facts, planned_total_mg=plan.total_mg), policy)
    return ScreeningReview.objects.create(
        client=client, as_of=facts.as_of, intake=sources.intake, medical=sources.medical,
        medications=sources.medications, psychological=sources.psychological, policy=policy.as_dict(),
        table_version=med.load_table().version, flags=[_flag_json(f) for f in flags], complete=sources.complete,
    )


@dataclass(frozen=True)
class ReviewStatus:
    code: str  # not_eligible | eligible_with_cautions | eligible | not_screened
    label: str
    reason: str


STATUS_LABELS = {"not_eligible": "Not eligible", "eligible_with_cautions": "Eligible with cautions",
                 "eligible": "Eligible", "not_screened": "Not screened"}


def acknowledged_keys(review: ScreeningReview, acknowledgements) -> frozenset[str]:
    """Keys of this review's cautions that carry an acknowledgement for the same facts."""
    done = {(a.flag_key, a.flag_digest) for a in acknowledgements}
    return frozenset(f["key"] for f in review.flags if (f["key"], f["digest"]) in done)


def review_status(review: ScreeningReview | None, acknowledgements=()) -> ReviewStatus:
    if review is None:
        return ReviewStatus("not_screened", STATUS_LABELS["not_screened"], "No screening form submitted yet.")
    flags = [Flag(f["tier"], f["code"], f["reason"], f["section"], tuple(tuple(p) for p in f["facts"]))
             for f in review.flags]
    code, reason = rules_status(flags, acknowledged_keys(review, acknowledgements))
    if not review.complete and code != "not_eligible":
        missing = [n for n, v in (("intake", review.intake_id), ("medical screening", review.medical_id),
                                  ("medication list", review.medications_id),
                                  ("psychological screening", review.psychological_id)) if v is None]
        # Filtered with the not eligible (nothing may be planned), but named for what it is.
        return ReviewStatus("not_eligible", "Screening incomplete", f"{', '.join(missing).capitalize()} not submitted.")
    avoid = [f for f in flags if f.tier == ALWAYS_AVOID]
    if avoid and all(_time_resolves(f) for f in avoid):
        return ReviewStatus(code, "Not yet", reason)
    return ReviewStatus(code, STATUS_LABELS[code], reason)


def _time_resolves(flag: Flag) -> bool:
    """An always-avoid flag that waiting alone resolves: too soon after a medicine session, or a
    washout counting down from a dose already stopped."""
    facts = dict(flag.facts)
    return flag.code == "spacing_minimum" or ("required_days" in facts and facts.get("last_dose") != "still taking")


@transaction.atomic
def caution_acknowledge(*, review: ScreeningReview, flag_key: str, rationale: str,
                        by: Membership) -> CautionAcknowledgement:
    """A caution of a stored screening review, acknowledged on the review page."""
    flag = next((f for f in review.flags if f["key"] == flag_key), None)
    if flag is None:
        raise ValidationError("That flag is not part of this review.")
    return _acknowledge(review=review, key=flag_key, digest=flag["digest"], tier=flag["tier"], rationale=rationale,
                        by=by)


def gate_caution_acknowledge(*, client: Client, flag: Flag, rationale: str, by: Membership):
    """A caution decided at the readiness checklist (spacing, a repeated high dose, or any other
    not yet acknowledged), acknowledged on its own with its own rationale. It holds while the
    flag's facts stay the same (the digest)."""
    review = client.screening_reviews.first()
    if review is None:
        raise ValidationError("The client has no screening review yet.")
    return _acknowledge(review=review, key=flag.key, digest=flag_digest(flag), tier=flag.tier, rationale=rationale,
                        by=by)


def _acknowledge(*, review, key: str, digest: str, tier: str, rationale: str, by: Membership) -> CautionAcknowledgement:
    if by.role != Role.THERAPIST:
        raise PermissionDenied("Only the client's therapist acknowledges cautions.")
    if tier != CAUTION:
        # ALWAYS AVOID flags resolve only when a fact changes; precautions need no rationale.
        raise ValidationError("Only CAUTION flags can be acknowledged.")
    rationale = rationale.strip()
    if len(rationale) < RATIONALE_MIN:
        raise ValidationError("Write a rationale of at least a sentence.")
    return CautionAcknowledgement.objects.create(client_id=review.client_id, review=review, flag_key=key,
                                                 flag_digest=digest, rationale=rationale, acknowledged_by=by)


@transaction.atomic
def substance_classify(*, client: Client, name: str, classes: list[str], note: str,
                       by: Membership) -> SubstanceClassification:
    """A therapist classifies a name the table does not know; the review is re-run."""
    if by.role != Role.THERAPIST:
        raise PermissionDenied("Only therapists classify substances.")
    known = set(med.load_table().class_help)
    if set(classes) - known:
        raise ValidationError("Unknown interaction class.")
    key = name_key(name)
    if not key:
        raise ValidationError("Nothing to classify.")
    row = SubstanceClassification.objects.create(practice_id=client.practice_id, name_key=key,
                                                 classes=sorted(set(classes) or {med.OTHER}), note=note.strip(),
                                                 classified_by=by)
    review_create(client=client)
    return row
