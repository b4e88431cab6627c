"""The demo practice: staff, clients at every stage, screenings, consents, a signed flight plan
and an alliance history. Safe to run again: nothing is duplicated (`manage.py seed_demo`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from django.utils import timezone

from clients.consent import selectors as consent_selectors
from clients.consent import services as consent_services
from clients.models import CaseloadAssignment, Client, ConsentTemplateVersion, IntakeVersion, Stage
from practice.crisis import CRISIS
from practice.roles import Role
from practice.tenancy.models import Membership, Practice, PractitionerProfile, User
from practice.tenancy.services import supervision_link
from screening.models import PsychologicalScreening
from screening.services import version_save
from sessions.flightplans import services as flightplans
from sessions.models import Kind, Status, TherapySession
from sessions.surveys import services as survey_service
from sessions.surveys.models import SurveyRequest

DEMO_PASSWORD = "demo-practice-2026"  # noqa: S105 (demo only; printed by make run)
DEMO_PRACTICE = "Riverside Integrative Therapy (demo)"
ZONE = "America/Los_Angeles"

STAFF = [
    ("admin@demo.example", "Alex Admin", Role.ADMIN),
    ("dana@demo.example", "Dana Rivera", Role.THERAPIST),
    ("sam@demo.example", "Sam Okafor", Role.THERAPIST),
    ("morgan@demo.example", "Morgan Lee", Role.SUPERVISOR),
]
# email, name, stage, therapist email, sessions as (days from today, kind, status)
CLIENTS = [
    ("client1@demo.example", "Jordan Park", Stage.INTAKE, "dana@demo.example", [(3, Kind.THERAPY, Status.SCHEDULED)]),
    ("client2@demo.example", "Riley Chen", Stage.SCREENING, "dana@demo.example",
     [(-14, Kind.THERAPY, Status.COMPLETED), (5, Kind.PREPARATION, Status.SCHEDULED)]),
    ("client3@demo.example", "Casey Novak", Stage.PREPARATION, "dana@demo.example",
     [(-21, Kind.THERAPY, Status.COMPLETED), (-14, Kind.PREPARATION, Status.COMPLETED),
      (-7, Kind.PREPARATION, Status.COMPLETED), (9, Kind.PREPARATION, Status.SCHEDULED)]),
    ("client4@demo.example", "Taylor Brooks", Stage.MEDICINE, "sam@demo.example",
     [(-35, Kind.PREPARATION, Status.COMPLETED), (-28, Kind.PREPARATION, Status.COMPLETED),
      (-21, Kind.PREPARATION, Status.COMPLETED), (12, Kind.MEDICINE, Status.SCHEDULED)]),
    ("client5@demo.example", "Avery Singh", Stage.INTEGRATION, "sam@demo.example",
     [(-60, Kind.PREPARATION, Status.COMPLETED), (-10, Kind.MEDICINE, Status.COMPLETED),
      (-9, Kind.INTEGRATION, Status.COMPLETED), (4, Kind.INTEGRATION, Status.SCHEDULED)]),
    ("client6@demo.example", "Quinn Harper", Stage.CLOSED, "sam@demo.example",
     [(-120, Kind.MEDICINE, Status.COMPLETED), (-90, Kind.INTEGRATION, Status.COMPLETED)]),
]


def _user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "time_zone": ZONE, "is_demo": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _enrol_totp(user: User) -> None:
    # MFA is never waived, not even in the demo: demo staff get a TOTP secret whose
    # current code `manage.py demo_totp EMAIL` prints.
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
        RecoveryCodes.activate(user)


SCREENER_NO = dict.fromkeys(PsychologicalScreening.SCREENER_FIELDS, False)  # "no" to every C-SSRS question

# Demo screening answers: which forms each client has submitted, and what they say.
SCREENING = {
    "client2@demo.example": {"intake": {"date_of_birth": date(1990, 3, 14), "body_mass_kg": Decimal("64.0")}},
    "client3@demo.example": {
        "intake": {"date_of_birth": date(1978, 9, 2), "body_mass_kg": Decimal("58.5")},
        "medical": {"caffeine_mg_per_day": 250},
        "medications": [{"name": "Zoloft 50 mg", "dose_text": "50 mg daily", "since": date(2022, 1, 10)}],
        "psychological": {"psychosis_family": True, "followup_capacity": True, **SCREENER_NO},
    },
    "client4@demo.example": {
        "intake": {"date_of_birth": date(1985, 6, 21), "body_mass_kg": Decimal("72.0")},
        "medical": {}, "medications": [], "psychological": {"followup_capacity": True, **SCREENER_NO},
    },
    "client5@demo.example": {
        "intake": {"date_of_birth": date(1970, 12, 5), "body_mass_kg": Decimal("80.0")},
        "medical": {"hypertension": True, "hypertension_controlled": True},
        "medications": [{"name": "Lopressor", "dose_text": "25 mg twice daily", "since": date(2019, 5, 1),
                         "critical": True}],
        "psychological": {"followup_capacity": True, "ait_risk_factors": ["unrealistic_expectations"], **SCREENER_NO},
    },
}


PROFILES = {
    "dana@demo.example": {
        "credentials": "MDMA-assisted therapy training, 2024 (demo).", "licence_type": "Licensed clinical social worker",
        "licence_number": "DEMO-1234", "licence_board": "Oregon Board of Licensed Social Workers",
        "licence_jurisdiction": "Oregon", "verification": "verified",
        "ethics_statement": "Demo text. I work within my licence, keep clear boundaries and tell you who supervises me."},
    "sam@demo.example": {
        "credentials": "Integration coaching certificate (demo).", "unlicensed": True,
        "scope_of_care": "Demo text. Preparation and integration support; no diagnosis or treatment of illness.",
        "ethics_statement": "Demo text. I refer you on when something is outside my scope."},
}
CONSENT_TEXTS = {
    "informed": ("Informed consent to MDMA-assisted therapy",
                 "Demo text. MDMA-assisted therapy combines preparation, one or more medicine sessions and "
                 "integration. Benefits can include relief from trauma symptoms; risks include raised heart rate and "
                 "blood pressure, days of low mood or fatigue, and symptoms that get worse before they get better. "
                 "MDMA is a controlled substance in many places. You can stop at any time."),
    "touch": ("Touch contract", "Demo text. No touch happens unless listed in your flight plan. You can stop any touch "
                                "at any time with the word you agreed."),
    "recording": ("Recording of sessions", "Demo text. Sessions are recorded only if you agree; you decide who keeps "
                                           "the file."),
    "contact_email": ("Contact by email for check-ins", "Demo text. After medicine sessions we email you a link to a "
                                                        "short check-in. The email contains no health information."),
}
SIGNS_INFORMED_CONSENT = {"client4@demo.example", "client5@demo.example"}


def _consent_documents(admin: Membership) -> None:
    for kind, (title, body) in CONSENT_TEXTS.items():
        if not ConsentTemplateVersion.objects.filter(template__practice_id=admin.practice_id,
                                                     template__kind=kind).exists():
            consent_services.template_write(by=admin, kind=kind, title=title, body=body)


def _sign_informed_consent(client: Client, user: User) -> None:
    version = ConsentTemplateVersion.objects.filter(template__practice_id=client.practice_id,
                                                    template__kind="informed").order_by("-number").first()
    text = consent_selectors.render(version, client)
    consent_services.consent_sign(client=client, user=user, version_id=version.pk, text_sha256=consent_services.sha256(text),
                                  typed_name=user.full_name, ip_address=None, user_agent="seed_demo")


def _signed_flight_plan(client: Client, user: User, therapist: Membership) -> None:
    content = {
        "intentions": "Demo: soften the grip of an old car-accident memory.",
        "what_helps": "A weighted blanket, quiet piano music.", "people_present": "Sam (therapist), Ana (sitter)",
        "recording": "none", "dose_initial_mg": "125", "booster_mg": "62.5", "booster_prepared": True,
        "substance_test": "Reagent kit: consistent with MDMA; lab test pending.", "water_limit": "0.5 L in 6 h",
        "preferred_hospital": "Demo General Hospital", "people_to_notify": "Lee (partner) +1 555 0102",
        "hotline": f"{CRISIS.peer.name} {CRISIS.peer.number}", "transport_home": "Lee collects Taylor",
        "collected_by": "Lee", "next_day_free": True, "no_big_decisions": True, "checklist": {}, "checklist_labels": {},
    }
    version = flightplans.plan_save(client=client, author=therapist.user, content=content)
    for signer, role in ((user, flightplans.CLIENT), (therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=client, user=signer, role=role, version_id=version.pk,
                              content_sha256=version.content_sha256)


def _screen(client: Client, user: User, forms: dict) -> None:
    for kind, answers in forms.items():
        if kind == "medications":
            version_save(kind=kind, client=client, user=user, answers={"none_taken": not answers}, entries=answers,
                         submit=True)
        else:
            base = {"legal_name": str(user), "time_zone": ZONE, "emergency_contact_name": "Demo Contact",
                    "emergency_contact_phone": "+1 555 0100"} if kind == "intake" else {}
            version_save(kind=kind, client=client, user=user, answers={**base, **answers}, submit=True)


# Demo BR-WAI history for client4: a good start, then a drop that raises alerts.
DEMO_RATINGS = [(-63, 4), (-35, 5), (-7, 3)]  # (days ago, answer to the positive items)


def _alliance_history(client: Client, therapist: Membership) -> None:
    for days, positive in DEMO_RATINGS:
        at = _at_morning(days) + timedelta(hours=8)
        request = SurveyRequest.objects.create(client=client, practitioner=therapist, slot=f"demo:{days}", state="sent",
                                               due_at=at, sent_at=at, instrument_key=survey_service.INSTRUMENT)
        answers = {n: (6 - positive if n % 4 == 0 else positive) for n in range(1, 17)}
        survey_service.response_save(request=request, raw_answers=answers, at=at + timedelta(hours=2))


def _at_morning(days: int) -> datetime:
    day = timezone.localdate(timezone=ZoneInfo(ZONE)) + timedelta(days=days)
    return datetime.combine(day, time(9, 30), tzinfo=ZoneInfo(ZONE))


@transaction.atomic
def seed() -> Practice:
    """Create or refresh the demo practice (idempotent)."""
    practice, _ = Practice.objects.get_or_create(name=DEMO_PRACTICE, defaults={"time_zone": ZONE})
    members = {}
    for email, name, role in STAFF:
        user = _user(email, name)
        _enrol_totp(user)
        members[email], _ = Membership.objects.get_or_create(user=user, practice=practice, defaults={"role": role})
    _consent_documents(members["admin@demo.example"])
    for email, profile in PROFILES.items():
        verified = {"verified_at": timezone.now(), "verified_by": members["admin@demo.example"]} \
            if profile.get("verification") == "verified" else {}
        PractitionerProfile.objects.get_or_create(membership=members[email], defaults={**profile, **verified})
    if practice.accountability_contact_id is None:
        Practice.objects.filter(pk=practice.pk).update(accountability_contact=members["admin@demo.example"])
    supervision_link(supervisor=members["morgan@demo.example"], therapist=members["dana@demo.example"])
    supervision_link(supervisor=members["morgan@demo.example"], therapist=members["sam@demo.example"])
    for email, name, stage, therapist_email, sessions in CLIENTS:
        user = _user(email, name)
        membership, _ = Membership.objects.get_or_create(user=user, practice=practice, defaults={"role": Role.CLIENT})
        client, created = Client.objects.get_or_create(membership=membership, defaults={"practice": practice, "stage": stage})
        therapist = members[therapist_email]
        CaseloadAssignment.objects.get_or_create(practice=practice, therapist=therapist, client=client, ended_at=None)
        if created:
            for days, kind, status in sessions:
                TherapySession.objects.create(
                    client=client, practitioner=therapist, kind=kind, status=status, scheduled_start=_at_morning(days)
                )
        if email in SCREENING and not IntakeVersion.objects.filter(client=client).exists():
            _screen(client, user, SCREENING[email])
        if email in SIGNS_INFORMED_CONSENT and not client.consent_signatures.exists():
            _sign_informed_consent(client, user)
        if email == "client4@demo.example" and not client.flight_plan_versions.exists():
            _signed_flight_plan(client, user, therapist)
        if email == "client4@demo.example" and not client.survey_responses.exists():
            _alliance_history(client, therapist)
    return practice


def logins() -> list[str]:
    """The lines `make run` prints: every demo login and how staff get their code."""
    lines = [f"Password for every demo login: {DEMO_PASSWORD}"]
    for email, _name, role in STAFF:
        lines.append(f"  {role.label:<16} {email:<24} (code: python manage.py demo_totp {email})")
    for email, name, stage, *_ in CLIENTS:
        lines.append(f"  {'Client':<16} {email:<24} ({name}, {stage.label})")
    return lines
