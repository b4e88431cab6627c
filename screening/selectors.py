"""Reads for lists: screening status for a page of clients in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import CharField, Q, Value
from django.utils import timezone

from clients.intake.forms import IntakeForm
from screening import forms as sf
from screening import medications as med
from screening.dosing import standard_dose
from screening.facts import client_today, latest_submitted
from screening.models import CautionAcknowledgement, MedicationScreening, ScreeningReview
from screening.rules import SUICIDE_CODES, Flag, age_on
from screening.services import KINDS, practice_policy, review_status
from sessions.scheduling.models import Kind, Status, TherapySession


def attach_screening_status(clients) -> list:
    """Set `.screening_status` on each client: two queries whatever the number of clients."""
    clients = list(clients)
    ids = [c.pk for c in clients]
    latest = {
        r.client_id: r
        for r in ScreeningReview.objects.filter(client_id__in=ids).order_by("client_id", "-created_at", "-id")
        .distinct("client_id")
    }
    acks = defaultdict(list)
    for a in CautionAcknowledgement.objects.filter(client_id__in=ids).only("client_id", "flag_key", "flag_digest"):
        acks[a.client_id].append(a)
    for c in clients:
        c.screening_status = review_status(latest.get(c.pk), acks[c.pk])
    return clients


@dataclass(frozen=True)
class DoseView:
    plan: object  # dosing.DosePlan
    age: int
    age_on: date
    basis: str  # what `age_on` is: the planned medicine session, or today


def next_medicine_day(client, zone: str) -> date | None:
    """The day, on the client's wall clock (`zone`), of their next scheduled medicine session."""
    start = (TherapySession.objects.filter(client=client, kind=Kind.MEDICINE, status=Status.SCHEDULED,
                                           scheduled_start__gte=timezone.now())
             .order_by("scheduled_start").values_list("scheduled_start", flat=True).first())
    return start.astimezone(ZoneInfo(zone)).date() if start else None


def dose_for(review, client=None, policy=None) -> DoseView | None:
    """The standard dose plan for the mass and flags of a stored review, with the age on the
    day of the next planned medicine session (today's where none is planned), under the
    practice's own policy (the ceiling shown is the ceiling enforced). None if unknown."""
    intake = review.intake if review else None
    if intake is None or not intake.body_mass_kg or not intake.date_of_birth:
        return None
    client = client or review.client
    day, basis = next_medicine_day(client, intake.time_zone), "the planned medicine session"
    if day is None:
        day, basis = client_today(client, intake), "today; no medicine session is planned yet"
    flags = [Flag(f["tier"], f["code"], f["reason"], f["section"]) for f in review.flags]
    age = age_on(intake.date_of_birth, day)
    plan = standard_dose(mass_kg=intake.body_mass_kg, age=age, flags=flags,
                         policy=policy or practice_policy(client.practice_id))
    return DoseView(plan=plan, age=age, age_on=day, basis=basis)


def latest_reviews_with_suicide_risk(clients):
    """The latest screening review of each of these clients where the C-SSRS screener had a yes
    (a queryset: two subqueries, whatever the number of clients)."""

    latest = (ScreeningReview.objects.filter(client__in=clients).order_by("client_id", "-created_at", "-id")
              .distinct("client_id").values("pk"))
    any_yes = Q()
    for code in SUICIDE_CODES:
        any_yes |= Q(flags__contains=[{"code": code}])
    return (ScreeningReview.objects.filter(pk__in=latest).filter(any_yes)
            .select_related("client__membership__user").order_by("-created_at"))


def suicide_screens_to_follow_up(clients) -> list:
    """Those latest reviews whose C-SSRS caution nobody has acknowledged yet, each with
    `.risk_flag` set (the flag as stored): the therapists' attention list."""
    reviews = list(latest_reviews_with_suicide_risk(clients))
    done = {(a.client_id, a.flag_key, a.flag_digest) for a in CautionAcknowledgement.objects.filter(
        client_id__in=[r.client_id for r in reviews], flag_key__in=SUICIDE_CODES)}
    waiting = []
    for review in reviews:
        flag = next(f for f in review.flags if f["code"] in SUICIDE_CODES)
        if (review.client_id, flag["key"], flag["digest"]) not in done:
            review.risk_flag = flag
            waiting.append(review)
    return waiting


def critical_medicines(client) -> frozenset[str]:
    """Table names of the medicines the client's latest medication list marks as needed for their
    health (not to be paused casually)."""
    listing = latest_submitted(MedicationScreening, client)
    if listing is None:
        return frozenset()
    return frozenset(entry.name for row in listing.entries.filter(critical=True) for entry in med.entries_in(row.name))


def readable_answers(kind: str, record) -> list[tuple[str, str]]:
    """A submitted form as (question, answer in words), in the form's order: choices by their
    labels, yes/no for ticks, "Not answered" for blanks. Medications list each entry."""
    if kind == "intake":
        form, initial = IntakeForm(), IntakeForm.initial_from(record)
    elif kind == "medications":
        form, initial = sf.MedicationListForm(), {"none_taken": record.none_taken}
    else:
        form = sf.MedicalForm() if kind == "medical" else sf.PsychologicalForm()
        initial = record.answers()
    rows = []
    for name, field in form.fields.items():
        if name in ("mass_unit",):
            continue
        value = initial.get(name)
        if name == "mass_value" and value is not None:
            value = f"{value} kg"
        rows.append((str(field.label or name.replace("_", " ").capitalize()), _in_words(field, value)))
    if kind == "intake":
        for n, person in enumerate(record.support_people or [], start=1):
            rows.append((f"Support person {n}", ", ".join(str(v) for k, v in person.items() if v and k != "may_contact")
                         + ("; may be contacted" if person.get("may_contact") else "")))
    if kind == "medications":
        for entry in record.entries.all():
            when = []
            if entry.since:
                when.append(f"since {entry.since:%-d %b %Y}")
            if entry.stopped_on:
                when.append(f"last dose {entry.stopped_on:%-d %b %Y}")
            rows.append((entry.name, "; ".join(filter(None, [entry.dose_text, *when,
                                                               "needed for health" if entry.critical else ""]))
                         or "Taking"))
    return rows


def _in_words(field, value) -> str:
    if value is None and isinstance(field, sf.NullableYesNo):
        return "Not sure or not answered"  # the form stores "Not sure" as no answer either way
    if value in (None, "", [], ()):
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if hasattr(value, "strftime"):
        return f"{value:%-d %b %Y}"
    return str(choices.get(value, value))


def answers_changed(older: list[tuple[str, str]], newer: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(question, before, after) for every answer that differs between two versions."""
    before = dict(older)
    after = dict(newer)
    return [(q, before.get(q, "Not asked"), a) for q, a in newer if before.get(q) != a] + [
        (q, b, "Not asked") for q, b in older if q not in after]


@dataclass(frozen=True)
class FormState:
    """Where one of a client's forms stands: its newest version's number and when it was
    submitted (None: a draft)."""

    number: int
    submitted_at: object

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


def form_states(client) -> list[tuple[str, FormState | None]]:
    """(kind, the newest version's state or None) for the intake and the three screening forms,
    in one query."""
    newest = [model.objects.filter(client=client).order_by("-number")
              .annotate(kind=Value(kind, output_field=CharField())).values("kind", "number", "submitted_at")[:1]
              for kind, model in KINDS.items()]
    found = {row["kind"]: FormState(row["number"], row["submitted_at"])
             for row in newest[0].union(*newest[1:], all=True)}
    return [(kind, found.get(kind)) for kind in KINDS]

