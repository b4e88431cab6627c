"""A realistic, large practice for load and speed work, built fast with bulk inserts and the
same content for the same --seed.

    python manage.py seed_scale --therapists 20 --clients 2000      # ~100,000 check-ins
    python manage.py seed_scale --small                             # 3 therapists, 60 clients

Two years of history: sessions (therapy and medicine) with signed notes, screenings with
their reviews, signed consents, flight plans, alliance surveys and check-ins. Staff get TOTP
authenticators (codes from `manage.py demo_totp EMAIL` when DEBUG is on); all seeded accounts
have unusable passwords. Never run it against a practice's real database.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import timedelta

from django.utils import timezone

from clients.consent.models import ConsentKind, ConsentSignature, ConsentTemplate, ConsentTemplateVersion
from clients.intake.models import IntakeVersion
from clients.models import CaseloadAssignment, Client
from practice.tenancy.models import Membership, Practice, SupervisionLink, User
from practice.timing import TIMING
from screening.models import MedicalScreening, PsychologicalScreening, ScreeningReview
from sessions.checkins.models import CheckIn, CheckInAnswer
from sessions.flightplans.models import FlightPlanVersion
from sessions.livelog.models import DoseGiven, SessionEvent
from sessions.models import TherapySession
from sessions.notes.models import SessionNote
from sessions.surveys.instruments import load
from sessions.surveys.models import SurveyRequest, SurveyResponse

BATCH = 5000
UNUSABLE = "!"  # an unusable password hash: seeded accounts cannot log in with a password
CHECKIN_DAYS = TIMING.checkin_days


def build(name: str, n_therapists: int, n_clients: int, n_checkins: int, rnd: random.Random) -> dict:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    now = timezone.now()
    two_years = timedelta(days=730)
    practice = Practice.objects.create(name=name, time_zone="Europe/Berlin")
    slug = name.lower().replace(" ", "-")

    def users(prefix: str, n: int) -> list[User]:
        return User.objects.bulk_create([User(email=f"{prefix}{i}@{slug}.example", full_name=f"{prefix.title()} {i}",
                                              password=UNUSABLE) for i in range(n)], batch_size=BATCH)

    staff_users = users("therapist", n_therapists) + users("supervisor", max(1, n_therapists // 5)) + users("admin", 1)
    for u in staff_users:
        TOTP.activate(u, generate_totp_secret())
    roles = ["therapist"] * n_therapists + ["supervisor"] * max(1, n_therapists // 5) + ["admin"]
    staff = Membership.objects.bulk_create([Membership(user=u, practice=practice, role=r)
                                            for u, r in zip(staff_users, roles, strict=True)])
    therapists = [m for m in staff if m.role == "therapist"]
    supervisors = [m for m in staff if m.role == "supervisor"]
    admin = staff[-1]
    SupervisionLink.objects.bulk_create([SupervisionLink(practice=practice, supervisor=supervisors[i % len(supervisors)],
                                                         therapist=t) for i, t in enumerate(therapists)])

    client_users = users("client", n_clients)
    memberships = Membership.objects.bulk_create([Membership(user=u, practice=practice, role="client")
                                                  for u in client_users], batch_size=BATCH)
    stages = ["intake", "screening", "preparation", "medicine", "integration", "closed"]
    clients = Client.objects.bulk_create([Client(practice=practice, membership=m, stage=rnd.choice(stages),
                                                 created_at=now - two_years * rnd.random()) for m in memberships],
                                         batch_size=BATCH)
    owner = {c.pk: therapists[i % len(therapists)] for i, c in enumerate(clients)}
    CaseloadAssignment.objects.bulk_create([CaseloadAssignment(practice=practice, therapist=owner[c.pk], client=c)
                                            for c in clients], batch_size=BATCH)

    # Screening: intake, medical and psychological forms submitted, with a clean review.
    forms = {}
    for model in (IntakeVersion, MedicalScreening, PsychologicalScreening):
        extra = {"time_zone": "Europe/Berlin", "legal_name": "Seeded"} if model is IntakeVersion else \
            dict.fromkeys(PsychologicalScreening.SCREENER_FIELDS, False) if model is PsychologicalScreening else {}
        forms[model] = model.objects.bulk_create([
            model(client=c, number=1, created_by=u, submitted_at=c.created_at, submitted_by=u, **extra)
            for c, u in zip(clients, client_users, strict=True)], batch_size=BATCH)
    ScreeningReview.objects.bulk_create([
        ScreeningReview(client=c, as_of=c.created_at.date(), intake=i, medical=m, psychological=p, policy={},
                        table_version="seed", flags=[], complete=True)
        for c, i, m, p in zip(clients, forms[IntakeVersion], forms[MedicalScreening], forms[PsychologicalScreening],
                              strict=True)], batch_size=BATCH)

    # Consents: every kind published; each client signed informed consent and email contact.
    versions = {}
    for kind in (ConsentKind.INFORMED, ConsentKind.CONTACT_EMAIL):
        template = ConsentTemplate.objects.create(practice=practice, kind=kind)
        versions[kind] = ConsentTemplateVersion.objects.create(template=template, number=1, title=str(kind),
                                                               body="Seeded text.", created_by=admin)
    text = "Seeded consent text."
    digest = hashlib.sha256(text.encode()).hexdigest()
    ConsentSignature.objects.bulk_create([
        ConsentSignature(client=c, version=v, signer=u, typed_name=u.full_name, rendered_text=text, text_sha256=digest,
                         signed_at=c.created_at, user_agent="seed_scale")
        for c, u in zip(clients, client_users, strict=True) for v in versions.values()], batch_size=BATCH)

    plan = {"intentions": "Seeded plan.", "recording": "none", "substance_test": "Reagent kit.", "checklist": {}}
    plan_hash = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()
    FlightPlanVersion.objects.bulk_create([FlightPlanVersion(client=c, number=1, content=plan, content_sha256=plan_hash,
                                                             author=owner[c.pk].user) for c in clients],
                                          batch_size=BATCH)

    # Sessions over two years: therapy sessions and, for most clients, medicine sessions.
    sessions, medicine = [], []
    for c in clients:
        for k in range(rnd.randint(3, 8)):
            when = c.created_at + timedelta(days=14 * (k + 1) + rnd.randint(0, 6))
            kind = "medicine" if k in (3, 6) else "therapy"
            done = when < now
            s = TherapySession(client=c, practitioner=owner[c.pk], kind=kind, scheduled_start=when,
                               status="completed" if done else "scheduled", started_at=when if done else None,
                               ended_at=when + timedelta(hours=6 if kind == "medicine" else 1) if done else None)
            sessions.append(s)
            if kind == "medicine" and done:
                medicine.append(s)
    TherapySession.objects.bulk_create(sessions, batch_size=BATCH)
    SessionNote.objects.bulk_create([SessionNote(session=s, author=s.practitioner, content={"summary": "Seeded note."},
                                                 signed_at=s.ended_at) for s in sessions if s.status == "completed"],
                                    batch_size=BATCH)

    # The log of each completed medicine session: an initial dose, often a booster, now and then
    # an adverse effect (the reports aggregate these).
    doses, events = [], []
    for s in medicine:
        initial = rnd.choice([80, 100, 120, 125, 140])
        doses.append(DoseGiven(session=s, at=s.started_at + timedelta(minutes=5), recorded_by=s.practitioner,
                               which="initial", amount_mg=initial, batch="SEED-1", test_result="Reagent: MDMA"))
        if rnd.random() < 0.6:
            doses.append(DoseGiven(session=s, at=s.started_at + timedelta(minutes=100), recorded_by=s.practitioner,
                                   which="booster", amount_mg=initial // 2, batch="SEED-1", test_result="Reagent: MDMA"))
        if rnd.random() < 0.3:
            events.append(SessionEvent(session=s, at=s.started_at + timedelta(hours=2), recorded_by=s.practitioner,
                                       kind="adverse", code=rnd.choice(["jaw_clenching", "nausea", "feeling_cold", "headache"]),
                                       severity=rnd.choices(["mild", "medical_care"], [95, 5])[0]))
    DoseGiven.objects.bulk_create(doses, batch_size=BATCH)
    SessionEvent.objects.bulk_create(events, batch_size=BATCH)

    # Alliance surveys: one answered after each completed session, up to four per client.
    brwai = load("brwai")
    requests, responses = [], []
    per_client: dict = {}
    for s in sessions:
        if s.status != "completed" or per_client.get(s.client_id, 0) >= 4:
            continue
        per_client[s.client_id] = per_client.get(s.client_id, 0) + 1
        r = SurveyRequest(client_id=s.client_id, practitioner=s.practitioner, session=s, slot=f"session:{s.pk}",
                          due_at=s.ended_at + timedelta(days=1), state="answered", sent_at=s.ended_at + timedelta(days=1))
        requests.append(r)
        answers = {str(n): (rnd.choice([1, 2]) if n % 4 == 0 else rnd.choice([3, 4, 5])) for n in range(1, 17)}
        scored = {n: (6 - v if int(n) % 4 == 0 else v) for n, v in answers.items()}
        bond = sum(v for n, v in scored.items() if int(n) % 2 == 1)
        tasks = sum(v for n, v in scored.items() if int(n) % 2 == 0)
        responses.append(SurveyResponse(request=r, client_id=s.client_id, practitioner=s.practitioner,
                                        instrument_key="brwai", instrument_version=brwai.version,
                                        definition=brwai.definition, answers=answers,
                                        total=bond + tasks, subscales={"bond": bond, "tasks_goals": tasks},
                                        mean=round((bond + tasks) / 16, 2), submitted_at=r.sent_at + timedelta(hours=5)))
    SurveyRequest.objects.bulk_create(requests, batch_size=BATCH)
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)

    # Check-ins after medicine sessions: days 1, 3, 7, 14 and 28, then (for the larger seeds)
    # weekly extended-integration check-ins, round-robin over the sessions until n_checkins.
    checkins, answers = [], []
    days = [*CHECKIN_DAYS, *range(35, 10_000, 7)]
    for d in days:
        if len(checkins) >= n_checkins or not medicine:
            break
        for s in medicine:
            if len(checkins) >= n_checkins:
                break
            due = s.ended_at + timedelta(days=d)
            state = "scheduled" if due > now else rnd.choices(["answered", "missed", "sent"], [80, 15, 5])[0]
            checkins.append(CheckIn(client_id=s.client_id, session=s, day=d, due_at=due, state=state,
                                    sent_at=due if state != "scheduled" else None))
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
    for c in checkins:
        if c.state == "answered":
            danger = rnd.random() < 0.01
            answers.append(CheckInAnswer(checkin=c, mood=rnd.randint(2, 9), sleep=rnd.choice(["poor", "fair", "good"]),
                                         worsening="severe" if danger else rnd.choice(["none", "mild"]),
                                         harm_thoughts=False, danger=danger, submitted_at=c.due_at + timedelta(hours=3)))
    CheckInAnswer.objects.bulk_create(answers, batch_size=BATCH)
    return {"therapists": len(therapists), "supervisors": len(supervisors), "clients": len(clients),
            "sessions": len(sessions), "survey responses": len(responses), "check-ins": len(checkins),
            "check-in answers": len(answers)}
