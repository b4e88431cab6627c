"""Read a client's latest submitted forms and session history into `rules.Facts`.

This module reads the database; the rules themselves (rules.py) never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.caseload.models import Client
from clients.intake.models import IntakeVersion
from screening import medications as med
from screening.models import (
    Assessed,
    CYP2D6Status,
    MedicalScreening,
    MedicationScreening,
    PsychologicalScreening,
    SubstanceClassification,
)
from screening.rules import Facts, Substance, SuicideScreen
from sessions.scheduling.models import Kind, Status, TherapySession


@dataclass(frozen=True)
class Sources:
    intake: IntakeVersion | None
    medical: MedicalScreening | None
    medications: MedicationScreening | None
    psychological: PsychologicalScreening | None

    @property
    def complete(self) -> bool:
        return all((self.intake, self.medical, self.medications, self.psychological))

    @property
    def missing(self) -> list[str]:
        names = {"intake": "intake", "medical": "medical screening", "medications": "medication list",
                 "psychological": "psychological screening"}
        return [label for field, label in names.items() if getattr(self, field) is None]


NOT_READ = object()  # for a caller's "the latest version, if you have read it already" argument


def latest_submitted(model, client: Client):
    return model.objects.filter(client=client, submitted_at__isnull=False).order_by("-number").first()


def sources_for(client: Client) -> Sources:
    return Sources(
        intake=latest_submitted(IntakeVersion, client),
        medical=latest_submitted(MedicalScreening, client),
        medications=latest_submitted(MedicationScreening, client),
        psychological=latest_submitted(PsychologicalScreening, client),
    )


def client_today(client: Client, intake: IntakeVersion | None) -> date:
    zone = intake.time_zone if intake else client.practice.time_zone
    return timezone.now().astimezone(ZoneInfo(zone)).date()


def classifications(client: Client) -> dict[str, list[str]]:
    """The practice's latest classification of each unknown substance name."""
    latest: dict[str, list[str]] = {}
    rows = SubstanceClassification.objects.filter(practice_id=client.practice_id).order_by("classified_at", "id")
    for row in rows.values("name_key", "classes"):
        latest[row["name_key"]] = row["classes"]
    return latest


def name_key(name: str) -> str:
    return " ".join(med.words(name))


def substances(listing: MedicationScreening | None, classified: dict[str, list[str]]) -> tuple[Substance, ...]:
    if listing is None:
        return ()
    result = []
    for entry in listing.entries.all():
        match = med.match(entry.name)
        classes, reviewed = set(match.classes), match.known
        key = name_key(entry.name)
        if not reviewed and key in classified:
            classes, reviewed = set(classified[key]), True
        result.append(Substance(name=entry.name, classes=frozenset(classes), reviewed=reviewed, since=entry.since,
                                stopped_on=entry.stopped_on, critical=entry.critical))
    return tuple(result)


def _assessed(value: str) -> bool | None:
    return {Assessed.YES: True, Assessed.NO: False}.get(value)


COUNTED = (Status.SCHEDULED, Status.IN_PROGRESS, Status.COMPLETED)  # cancelled and missed sessions gave no dose


def medicine_session_dates(client: Client, zone: str, exclude=None) -> tuple[date, ...]:
    """Days of the client's medicine sessions that count for spacing and the lifetime limit:
    scheduled, in progress (counted from the start, even if never closed) and completed."""
    sessions = TherapySession.objects.filter(client=client, kind=Kind.MEDICINE, status__in=COUNTED)
    if exclude is not None:
        sessions = sessions.exclude(pk=exclude.pk)
    starts = sessions.values_list("started_at", "scheduled_start")
    return tuple(sorted((started or scheduled).astimezone(ZoneInfo(zone)).date() for started, scheduled in starts))


def build_facts(client: Client, sources: Sources, as_of: date | None = None, *, session=None,
                for_session: bool = False) -> Facts:
    """Facts as of `as_of`. For a planned session (`for_session`), `session` (when it exists
    already) is left out of the history it is judged against."""
    i, m, p = sources.intake, sources.medical, sources.psychological
    zone = i.time_zone if i else client.practice.time_zone
    kw: dict = {}
    if i:
        kw.update(birth_date=i.date_of_birth, mass_kg=i.body_mass_kg, external_sessions=i.external_mdma_sessions,
                  last_external_session_on=i.last_external_mdma_session)
    if m:
        kw.update(
            hypertension=m.hypertension, hypertension_controlled=m.hypertension_controlled, arrhythmia=m.arrhythmia,
            qt_prolongation=m.qt_prolongation, heart_disease=m.heart_disease, liver_disease=m.liver_disease,
            hyperthyroidism=m.hyperthyroidism, hyperthyroidism_well_managed_mild=_assessed(m.hyperthyroidism_assessed),
            other_serious_condition=m.other_serious_condition,
            other_condition_well_managed_mild=_assessed(m.other_condition_assessed), seizures=m.seizures,
            pregnant=m.pregnant, breastfeeding=m.breastfeeding,
            cyp2d6_poor_metabolizer=m.cyp2d6_status == CYP2D6Status.POOR, caffeine_mg_per_day=m.caffeine_mg_per_day,
        )
    if p:
        kw.update(
            psychosis_personal=p.psychosis_personal, psychosis_family=p.psychosis_family,
            mania_personal=p.mania_personal, stimulant_addiction=p.stimulant_addiction, dissociation=p.dissociation,
            lives_with_abuser=p.lives_with_abuser, followup_capacity=p.followup_capacity,
            ait_risk_factors=frozenset(p.ait_risk_factors or ()),
            suicide_screen=SuicideScreen(
                wish_to_be_dead=p.cssrs_wish_dead, suicidal_thoughts=p.cssrs_thoughts,
                thoughts_with_method=p.cssrs_method, intent=p.cssrs_intent, plan_with_intent=p.cssrs_plan,
                behaviour_lifetime=p.cssrs_behaviour, behaviour_past_3_months=p.cssrs_behaviour_recent),
        )
    return Facts(
        as_of=as_of or client_today(client, i),
        substances=substances(sources.medications, classifications(client)),
        medicine_sessions_in_app=medicine_session_dates(client, zone, exclude=session),
        for_session=for_session,
        **kw,
    )
