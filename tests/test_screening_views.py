"""Intake and screening through the pages: drafts, versions, bad input, review and acknowledgement."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.models import IntakeVersion
from screening.models import (
    CautionAcknowledgement,
    MedicalScreening,
    MedicationEntry,
    MedicationScreening,
    PsychologicalScreening,
    ScreeningReview,
)
from screening.services import review_status, version_save

TODAY = timezone.localdate()


def client_today():
    # The rules evaluate "as of" today in the client's zone (the intake says Europe/Berlin),
    # which near midnight UTC is already tomorrow.
    return timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date()

INTAKE = {
    "legal_name": "Cora Client", "preferred_name": "Cora", "date_of_birth": "1980-04-02", "pronouns": "she/her",
    "phone": "+1 555 0100", "contact_email": "cora@example.test", "address": "1 Elm St", "time_zone": "Europe/Berlin",
    "emergency_contact_name": "Ed Client", "emergency_contact_relation": "brother",
    "emergency_contact_phone": "+1 555 0101", "goals": "Sleep again", "therapy_history": "CBT in 2019",
    "psychedelic_history": "None", "external_mdma_sessions": "0", "last_external_mdma_session": "",
    "current_therapist": "", "current_prescriber": "", "mass_value": "154", "mass_unit": "lb",
    "support-TOTAL_FORMS": "1", "support-INITIAL_FORMS": "0", "support-MIN_NUM_FORMS": "0", "support-MAX_NUM_FORMS": "10",
    "support-0-name": "Fay Friend", "support-0-relation": "friend", "support-0-contact": "fay@example.test",
    "support-0-may_contact": "on",
}


def meds(*rows, none_taken=False):
    data = {"meds-TOTAL_FORMS": str(len(rows)), "meds-INITIAL_FORMS": "0", "meds-MIN_NUM_FORMS": "0",
            "meds-MAX_NUM_FORMS": "50"}
    if none_taken:
        data["none_taken"] = "on"
    for i, row in enumerate(rows):
        data.update({f"meds-{i}-{k}": v for k, v in row.items()})
    return data


SCREENER_NO = {name: "no" for name in PsychologicalScreening.SCREENER_FIELDS}


def post(client, kind, data, action="submit"):
    return client.post(reverse("client_form", kwargs={"kind": kind}), {**data, "action": action})


def fill_all(client, *, medications=None, medical=None, psychological=None, intake=None):
    assert post(client, "intake", {**INTAKE, **(intake or {})}).status_code == 302
    assert post(client, "medical", {"cyp2d6_status": "unknown", **(medical or {})}).status_code == 302
    assert post(client, "medications", medications or meds(none_taken=True)).status_code == 302
    assert post(client, "psychological", {"followup_capacity": "yes", **SCREENER_NO,
                                          **(psychological or {})}).status_code == 302


@pytest.fixture
def as_client(world):
    c = Client()
    c.force_login(world.client.membership.user)
    return c


def test_intake_draft_then_submit_then_new_version(as_client, world):
    response = post(as_client, "intake", {"legal_name": "Cora", "time_zone": "UTC", "mass_unit": "kg",
                                          **{k: v for k, v in INTAKE.items() if k.startswith("support-")}}, "save")
    assert response.status_code == 302
    draft = IntakeVersion.objects.get(client=world.client)
    assert draft.is_draft and draft.legal_name == "Cora"

    assert post(as_client, "intake", INTAKE).status_code == 302
    v1 = IntakeVersion.objects.get(client=world.client)
    assert v1.number == 1 and not v1.is_draft
    assert float(v1.body_mass_kg) == pytest.approx(69.9, abs=0.1)  # 154 lb
    assert v1.support_people == [{"name": "Fay Friend", "relation": "friend", "contact": "fay@example.test",
                                  "may_contact": True}]

    post(as_client, "intake", {**INTAKE, "goals": "Sleep, and grieve"}, "save")
    versions = list(IntakeVersion.objects.filter(client=world.client).order_by("number"))
    assert [(v.number, v.is_draft) for v in versions] == [(1, False), (2, True)]
    assert versions[0].goals == "Sleep again" and versions[1].goals == "Sleep, and grieve"


@pytest.mark.parametrize("kind,data,message", [
    ("intake", {**INTAKE, "mass_value": "-70"}, "greater than or equal to 1"),
    ("intake", {**INTAKE, "mass_value": "900", "mass_unit": "kg"}, "less than or equal to 800"),
    ("intake", {**INTAKE, "mass_value": "700", "mass_unit": "kg"}, "between 20 and 350 kg"),
    ("intake", {**INTAKE, "date_of_birth": str(TODAY + timedelta(days=1))}, "in the future"),
    ("intake", {**INTAKE, "date_of_birth": "1800-01-01"}, "check the year of birth"),
    ("intake", {**INTAKE, "external_mdma_sessions": "3"}, "date of the most recent"),
    ("intake", {**INTAKE, "support-TOTAL_FORMS": "10000"}, "Please submit at most 10 forms"),
    ("intake", {**INTAKE, "legal_name": "x" * 5000}, "at most 200 characters"),
    ("medications", meds({"name": "sertraline", "since": "2024-05-01", "stopped_on": "2024-01-01"}), "before the start"),
    ("medications", {**meds(), "meds-TOTAL_FORMS": "10000"}, "Please submit at most 50 forms"),
    ("medications", meds(), "List what you take"),
    ("medications", meds({"name": "sertraline"}, none_taken=True), "ticked"),
    ("medical", {"cyp2d6_status": "unknown", "hyperthyroidism": "on"}, "whether a doctor has assessed it"),
    ("medical", {"cyp2d6_status": "unknown", "caffeine_mg_per_day": "-5"}, "greater than or equal to 0"),
    ("psychological", {"cssrs_behaviour_recent": "yes"}, "Answer question 6 first"),
    ("psychological", {"cssrs_thoughts": "on"}, "Select a valid choice"),
])
def test_bad_input_is_refused_on_the_form_and_nothing_is_saved(as_client, world, kind, data, message):
    response = post(as_client, kind, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    for model in (IntakeVersion, MedicalScreening, MedicationScreening, PsychologicalScreening):
        assert not model.objects.filter(client=world.client).exists()
    assert not ScreeningReview.objects.exists()


def test_script_in_every_field_is_escaped_on_display(as_client, client, world):
    script = "<script>alert(1)</script>"
    data = {**INTAKE, **{k: script for k in ("legal_name", "preferred_name", "goals", "address", "pronouns")}}
    assert post(as_client, "intake", data, "save").status_code == 302
    page = as_client.get(reverse("client_form", kwargs={"kind": "intake"})).content.decode()
    assert script not in page and "&lt;script&gt;" in page
    post(as_client, "medications", meds({"name": script}))
    client.force_login(world.therapist.user)
    review = client.get(reverse("screening_review", kwargs={"client_id": world.client.pk})).content.decode()
    assert script not in review and "&lt;script&gt;" in review


def test_submitted_versions_cannot_be_changed_or_deleted_in_the_database(as_client, world):
    fill_all(as_client, medications=meds({"name": "ibuprofen"}))
    for model in (IntakeVersion, MedicalScreening, MedicationScreening, PsychologicalScreening):
        record = model.objects.get(client=world.client)
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=record.pk).update(updated_at=timezone.now())
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=record.pk).delete()
    listing = MedicationScreening.objects.get(client=world.client)
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicationEntry.objects.create(screening=listing, position=9, name="added later")
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicationEntry.objects.filter(screening=listing).update(name="changed")
    review = ScreeningReview.objects.filter(client=world.client).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningReview.objects.filter(pk=review.pk).update(flags=[])


def test_therapist_sees_flags_grouped_with_triggering_answers(as_client, client, world):
    thirteen_days_ago = str(client_today() - timedelta(days=13))
    fill_all(as_client, medications=meds({"name": "Nardil 15mg", "since": "2020-01-01", "stopped_on": thirteen_days_ago}),
             psychological={"psychosis_family": "on"})
    client.force_login(world.therapist.user)
    page = client.get(reverse("screening_review", kwargs={"client_id": world.client.pk})).content.decode()
    assert "Not yet" in page  # stopped 13 days ago: waiting one more day resolves it (not "not eligible")
    assert "irreversible MAO inhibitor" in page and "Nardil 15mg" in page and "Days since last dose" in page
    assert "Family history of psychosis" in page
    assert page.index("Always avoid (") < page.index("Caution (") < page.index("Precaution (")
    caseload = client.get(reverse("caseload")).content.decode()
    assert "Not yet" in caseload


def test_always_avoid_cannot_be_acknowledged_away(as_client, client, world):
    fill_all(as_client, medical={"hyperthyroidism": "on", "hyperthyroidism_assessed": "not_assessed"})
    client.force_login(world.therapist.user)
    response = client.post(reverse("screening_acknowledge", kwargs={"client_id": world.client.pk}),
                           {"flag_key": "hyperthyroidism", "rationale": "I am sure it is fine, really."}, follow=True)
    assert "Only CAUTION flags can be acknowledged" in response.content.decode()
    assert not CautionAcknowledgement.objects.exists()
    assert review_status(world.client.screening_reviews.first()).code == "not_eligible"


def test_caution_needs_a_rationale_and_is_carried_to_an_unrelated_new_version(as_client, client, world):
    fill_all(as_client, psychological={"psychosis_family": "on", "followup_capacity": "yes"})
    client.force_login(world.therapist.user)
    url = reverse("screening_acknowledge", kwargs={"client_id": world.client.pk})
    client.post(url, {"flag_key": "psychosis_history", "rationale": "short"})
    assert not CautionAcknowledgement.objects.exists()
    client.post(url, {"flag_key": "psychosis_history", "rationale": "Aunt only; no personal history; no booster."})
    reviews = world.client.screening_reviews
    assert review_status(reviews.first(), CautionAcknowledgement.objects.all()).code == "eligible_with_cautions"
    assert "All 1 caution" in review_status(reviews.first(), CautionAcknowledgement.objects.all()).reason

    post(as_client, "intake", {**INTAKE, "phone": "+1 555 0199"})  # unrelated change: still acknowledged
    assert "All 1 caution" in review_status(reviews.first(), CautionAcknowledgement.objects.all()).reason
    response = post(as_client, "psychological",
                    {"psychosis_family": "on", "psychosis_personal": "on", "followup_capacity": "yes", **SCREENER_NO})
    assert response.status_code == 302, response.content.decode()[-3000:]
    status = review_status(reviews.first(), CautionAcknowledgement.objects.all())  # changed facts: ask again
    assert status.reason.startswith("1 of 1 caution")


def test_incomplete_screening_is_not_eligible(as_client, world):
    post(as_client, "intake", INTAKE)
    status = review_status(world.client.screening_reviews.first())
    assert status.code == "not_eligible" and status.label == "Screening incomplete"
    assert "medical screening" in status.reason.lower()


def test_unknown_substance_stays_unreviewed_until_classified(as_client, client, world):
    fill_all(as_client, medications=meds({"name": "Kratom tea"}))
    review = world.client.screening_reviews.first()
    assert "substance_unreviewed" in {f["code"] for f in review.flags}
    client.force_login(world.therapist.user)
    client.post(reverse("screening_classify", kwargs={"client_id": world.client.pk}),
                {"name_key": "Kratom tea", "classes": ["other"], "note": "Opioid-like herb; pause on the day."})
    newest = world.client.screening_reviews.first()
    assert newest.pk != review.pk
    codes = {f["code"] for f in newest.flags}
    assert "substance_unreviewed" not in codes and "other_substance" in codes
    # The earlier review is kept exactly as it was seen.
    assert "substance_unreviewed" in {f["code"] for f in ScreeningReview.objects.get(pk=review.pk).flags}


def test_supervisor_cannot_classify_or_acknowledge(as_client, client, world):
    fill_all(as_client, medications=meds({"name": "Kratom tea"}))
    client.force_login(world.supervisor.user)
    page = client.get(reverse("screening_review", kwargs={"client_id": world.client.pk})).content.decode()
    assert "Read-only" in page and "Acknowledge" not in page and "Classify" not in page
    response = client.post(reverse("screening_classify", kwargs={"client_id": world.client.pk}),
                           {"name_key": "Kratom tea", "classes": ["other"]})
    assert response.status_code == 403


def test_dose_calculator_on_the_review_page(as_client, client, world):
    fill_all(as_client, intake={"mass_value": "59.9", "mass_unit": "kg"})
    client.force_login(world.therapist.user)
    page = client.get(reverse("screening_review", kwargs={"client_id": world.client.pk})).content.decode()
    assert "100 mg (1.67 mg/kg)" in page and "50.0 mg, prepared in advance" in page
    assert "body mass under 60 kg" in page
    detail = client.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).content.decode()
    assert "100 mg initial (1.67 mg/kg), booster 50.0 mg" in detail


def test_therapist_can_fill_forms_with_the_client(client, world):
    client.force_login(world.therapist.user)
    url = reverse("therapist_form", kwargs={"client_id": world.client.pk, "kind": "medical"})
    response = client.post(url, {"cyp2d6_status": "poor", "action": "submit"})
    assert response.status_code == 302
    record = MedicalScreening.objects.get(client=world.client)
    assert record.submitted_by == world.therapist.user and record.cyp2d6_status == "poor"
    assert client.get(reverse("therapist_form", kwargs={"client_id": world.client.pk, "kind": "nonsense"})
                      ).status_code == 404


def test_version_numbers_and_one_draft_are_enforced(world):
    version_save(kind="medical", client=world.client, user=world.therapist.user, answers={}, submit=False)
    version_save(kind="medical", client=world.client, user=world.therapist.user, answers={"seizures": True})
    assert MedicalScreening.objects.filter(client=world.client).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalScreening.objects.create(client=world.client, number=2, created_by=world.therapist.user)


def test_admin_tightens_policy_and_new_reviews_use_it(as_client, client, world):
    client.force_login(world.admin.user)
    data = {"irreversible_maoi_washout_days": "21", "reason": "Our pharmacist advises three weeks."}
    from screening.policy import DEFAULT_POLICY, STRICTER

    for name in STRICTER:
        data.setdefault(name, "on" if getattr(DEFAULT_POLICY, name) is True else str(getattr(DEFAULT_POLICY, name)))
    data = {k: v for k, v in data.items() if v != "False"}
    assert client.post(reverse("policy"), data).status_code == 302
    fill_all(as_client, medications=meds({"name": "phenelzine", "since": "2020-01-01",
                                          "stopped_on": str(client_today() - timedelta(days=18))}))
    review = world.client.screening_reviews.first()
    assert review.policy["irreversible_maoi_washout_days"] == 21
    assert "maoi_irreversible" in {f["code"] for f in review.flags}  # 18 days: fine by default, not here


@pytest.mark.parametrize("name,value", [("irreversible_maoi_washout_days", "10"), ("lifetime_session_limit", "300"),
                                        ("ceiling_total_mg", "250")])
def test_policy_cannot_be_loosened(client, world, name, value):
    from screening.models import PolicyVersion
    from screening.policy import DEFAULT_POLICY, STRICTER

    client.force_login(world.admin.user)
    data = {n: str(getattr(DEFAULT_POLICY, n)) for n in STRICTER if not isinstance(getattr(DEFAULT_POLICY, n), bool)}
    response = client.post(reverse("policy"), {**data, name: value, "reason": "Looser please"})
    assert response.status_code == 400 and "less strict" in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_only_admins_change_policy(client, world):
    from screening.models import PolicyVersion

    client.force_login(world.therapist.user)
    assert "Change the policy" not in client.get(reverse("policy")).content.decode()
    assert client.post(reverse("policy"), {"reason": "x", "spacing_refuse_days": "30"}).status_code == 403
    assert not PolicyVersion.objects.exists()


def test_high_suicide_risk_answers_show_crisis_contacts_at_once(as_client, world):
    response = post(as_client, "psychological", {"cssrs_thoughts": "yes", "cssrs_intent": "yes", "followup_capacity": "no"})
    assert response.status_code == 200  # the support page, shown on submit
    page = response.content.decode()
    assert 'href="tel:+16234737433"' in page and 'href="tel:988"' in page and "local emergency number" in page
    assert "suicide_risk_high" in {f["code"] for f in world.client.screening_reviews.first().flags}


def test_high_suicide_risk_screen_emails_the_therapist_without_content(as_client, world,
                                                                         django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(as_client, "psychological", {"cssrs_thoughts": "yes", "cssrs_plan": "yes", "followup_capacity": "no"})
    assert len(callbacks) == 1
    from clients.caseload.services import notify_therapists

    assert notify_therapists(world.client) == 1  # what the queued task does
    message = mail.outbox[-1]
    assert message.to == [world.therapist.user.email]
    assert "suicide" not in message.body.lower() and "plan" not in message.subject.lower()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(as_client, "psychological", {"followup_capacity": "yes"})
    assert callbacks == []  # nothing urgent: no email


@pytest.mark.parametrize(("facts", "code", "label"), [
    ((("substance", "Nardil"), ("last_dose", "2026-11-20"), ("required_days", "14")), "maoi_irreversible", "Not yet"),
    ((("substance", "Nardil"), ("last_dose", "still taking"), ("required_days", "14")), "maoi_irreversible",
     "Not eligible"),
    ((("days_between", "9"),), "spacing_minimum", "Not yet"),
    ((), "hyperthyroidism", "Not eligible"),
])
def test_not_eligible_says_whether_waiting_is_enough(world, facts, code, label):
    from screening.models import ScreeningReview

    review = ScreeningReview.objects.create(client=world.client, as_of=client_today(), policy={}, table_version="t",
                                            complete=True, flags=[{"tier": "always_avoid", "code": code, "key": code,
                                                                   "digest": "d", "reason": "Why.", "section": "Safety",
                                                                   "facts": [list(p) for p in facts]}])
    assert review_status(review).label == label


@pytest.mark.parametrize(("key", "label"), [("days_between", "Days between"), ("cyp2d6", "CYP2D6"),
                                            ("total_mg", "Total (mg)"), ("caffeine_mg_per_day", "Caffeine (mg) per day")])
def test_facts_are_named_in_words(key, label):
    from screening.views import fact_label

    assert fact_label(key) == label


@pytest.mark.parametrize(("answer", "fact"), [(False, "no"), (None, "not sure or not answered")])
def test_capacity_for_follow_up_says_what_the_client_answered(answer, fact):
    from screening.rules import evaluate

    from .test_screening_rules import facts

    flags = {f.code: f for f in evaluate(facts(followup_capacity=answer))}
    assert dict(flags["followup_capacity"].facts)["capacity_confirmed"] == fact
