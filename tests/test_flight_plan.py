"""Flight plans: versions, co-signing, stale and double signatures, the plan in force, diff, PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from screening.services import version_save
from sessions.flightplans.models import FlightPlanSignature, FlightPlanVersion
from sessions.flightplans.selectors import plan_in_force

PLAN = {
    "intentions": "Grieve my father", "people_present": "Tess (therapist), Omar (sitter)",
    "preferred_hospital": "St Mary's", "people_to_notify": "Ed, +1 555 0101", "transport_home": "Ed drives me",
    "recording": "none", "water_limit": "0.5 L in the first 6 hours", "dose_initial_mg": "100", "booster_mg": "50",
}


@pytest.fixture
def therapist(world):
    c = Client()
    c.force_login(world.therapist.user)
    return c


@pytest.fixture
def me(world):
    c = Client()
    c.force_login(world.client.membership.user)
    return c


def urls(world):
    kw = {"client_id": world.client.pk}
    return {"edit": reverse("staff_plan_edit", kwargs=kw), "sign": reverse("staff_plan_sign", kwargs=kw),
            "page": reverse("staff_plan", kwargs=kw)}


def sign(c, url, version):
    return c.post(url, {"version": version.pk, "content_sha256": version.content_sha256}, follow=True)


def test_written_together_each_save_a_version(therapist, me, world):
    assert therapist.post(urls(world)["edit"], PLAN).status_code == 302
    assert me.post(reverse("client_plan_edit"), {**PLAN, "what_helps": "My dog, cello music"}).status_code == 302
    versions = list(FlightPlanVersion.objects.filter(client=world.client).order_by("number"))
    assert [(v.number, v.author) for v in versions] == [(1, world.therapist.user), (2, world.client.membership.user)]
    assert versions[0].content["what_helps"] == "" and versions[1].content["what_helps"] == "My dog, cello music"
    me.post(reverse("client_plan_edit"), {**PLAN, "what_helps": "My dog, cello music"})  # no change
    assert FlightPlanVersion.objects.filter(client=world.client).count() == 2


def test_precautions_from_screening_are_checklist_lines(therapist, world):
    version_save(kind="medical", client=world.client, user=world.therapist.user, answers={}, submit=True)
    form = therapist.get(urls(world)["edit"]).context["form"]
    assert "check_substance_test" in form.fields and "check_water_limit" in form.fields
    therapist.post(urls(world)["edit"], {**PLAN, "check_substance_test": "on"})
    content = FlightPlanVersion.objects.get(client=world.client).content
    assert content["checklist"]["substance_test"] is True and content["checklist"]["water_limit"] is False


def test_final_when_both_sign_and_a_later_edit_needs_both_again(therapist, me, world):
    therapist.post(urls(world)["edit"], PLAN)
    v1 = FlightPlanVersion.objects.get(client=world.client)
    assert "Signed." in sign(me, reverse("client_plan_sign"), v1).content.decode()
    assert plan_in_force(world.client)[0] is None
    sign(therapist, urls(world)["sign"], v1)
    assert plan_in_force(world.client)[0] == v1
    therapist.post(urls(world)["edit"], {**PLAN, "food": "Soup after"})
    v2 = FlightPlanVersion.objects.get(client=world.client, number=2)
    assert not v2.signatures.exists()
    assert plan_in_force(world.client)[0] == v1  # the latest version signed by both
    assert "Draft: not signed" in therapist.get(urls(world)["page"]).content.decode()


def test_stale_double_and_forged_signatures_change_nothing(therapist, me, world):
    therapist.post(urls(world)["edit"], PLAN)
    v1 = FlightPlanVersion.objects.get(client=world.client)
    therapist.post(urls(world)["edit"], {**PLAN, "food": "Soup after"})  # the therapist's draft is updated
    stale = sign(me, reverse("client_plan_sign"), v1).content.decode()
    assert "does not match what you read" in stale
    me.post(reverse("client_plan_edit"), {**PLAN, "food": "Soup after", "what_helps": "Cello"})  # the client's turn
    stale = sign(me, reverse("client_plan_sign"), FlightPlanVersion.objects.get(number=1)).content.decode()
    assert "changed since you opened it" in stale
    v2 = FlightPlanVersion.objects.get(client=world.client, number=2)
    sign(me, reverse("client_plan_sign"), v2)
    assert "already carries that signature" in sign(me, reverse("client_plan_sign"), v2).content.decode()
    tampered = me.post(reverse("client_plan_sign"), {"version": v2.pk, "content_sha256": "0" * 64}, follow=True)
    assert "does not match" in tampered.content.decode()
    other = FlightPlanVersion.objects.create(client=world.other_client, number=1, content={}, content_sha256="x" * 64,
                                             author=world.other_therapist.user)
    forged = me.post(reverse("client_plan_sign"), {"version": other.pk, "content_sha256": "x" * 64}, follow=True)
    assert "does not exist" in forged.content.decode()
    assert FlightPlanSignature.objects.count() == 1


def test_nobody_signs_in_someone_elses_place(world):
    from sessions.flightplans.services import plan_save

    v = plan_save(client=world.client, author=world.therapist.user, content={"intentions": "x"})
    for role, status in (("supervisor", 403), ("other_therapist", 404), ("outsider", 404)):
        c = Client()
        c.force_login(world.membership(role).user)
        response = c.post(urls(world)["sign"], {"version": v.pk, "content_sha256": v.content_sha256})
        assert response.status_code == status
    assert not FlightPlanSignature.objects.exists()


def test_a_new_screening_after_signing_needs_new_signatures(therapist, me, world):
    therapist.post(urls(world)["edit"], PLAN)
    v1 = FlightPlanVersion.objects.get(client=world.client)
    sign(me, reverse("client_plan_sign"), v1)
    sign(therapist, urls(world)["sign"], v1)
    version_save(kind="medical", client=world.client, user=world.client.membership.user, answers={}, submit=True)
    version, reason = plan_in_force(world.client)
    assert version is None and "predates the latest screening" in reason


@pytest.mark.parametrize("change,message", [
    ({"delegate_name": "Ed"}, "List the decisions"),
    ({"recording": "video"}, "who keeps the recording"),
    ({"touch_allowed": "Hand on shoulder"}, "how the client stops touch"),
    ({"dose_initial_mg": "150", "booster_mg": "75"}, "exceed the 200 mg"),
    ({"dose_initial_mg": "-5"}, "greater than or equal to 1"),
    ({"preferred_hospital": ""}, "This field is required"),
    ({"intentions": "x" * 6000}, "at most 5000 characters"),
])
def test_bad_plans_are_refused(therapist, world, change, message):
    response = therapist.post(urls(world)["edit"], {**PLAN, **change})
    assert response.status_code == 400 and message in response.content.decode()
    assert not FlightPlanVersion.objects.exists()


def test_diff_shows_what_changed(therapist, world):
    therapist.post(urls(world)["edit"], PLAN)
    sign(therapist, urls(world)["sign"], FlightPlanVersion.objects.get())  # signed: the next edit is version 2
    therapist.post(urls(world)["edit"], {**PLAN, "food": "Soup after", "transport_home": "Taxi"})
    page = therapist.get(reverse("staff_plan_diff", kwargs={"client_id": world.client.pk}) + "?a=1&b=2")
    text = page.content.decode()
    assert "Soup after" in text and "Taxi" in text and "Ed drives me" in text and "Grieve my father" not in text
    bad = therapist.get(reverse("staff_plan_diff", kwargs={"client_id": world.client.pk}) + "?a=1&b=x")
    assert bad.status_code == 400


def test_signed_plans_cannot_be_edited_in_the_database(therapist, me, world):
    therapist.post(urls(world)["edit"], PLAN)
    v1 = FlightPlanVersion.objects.get(client=world.client)
    sign(me, reverse("client_plan_sign"), v1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FlightPlanVersion.objects.filter(pk=v1.pk).update(content={"intentions": "rewritten"})
    with pytest.raises(IntegrityError), transaction.atomic():
        FlightPlanSignature.objects.filter(version=v1).delete()


def test_client_downloads_the_signed_plan_as_pdf(therapist, me, world):
    therapist.post(urls(world)["edit"], PLAN)
    v1 = FlightPlanVersion.objects.get(client=world.client)
    sign(me, reverse("client_plan_sign"), v1)
    sign(therapist, urls(world)["sign"], v1)
    response = me.get(reverse("client_plan_pdf", kwargs={"number": 1}))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\n", "")
    assert "Grieve my father" in text and "St Mary's" in text and v1.content_sha256 in text
    assert "Client: Cora Client" in text and "Therapist: Tess Therapist" in text


def test_one_persons_consecutive_unsigned_edits_update_one_draft(therapist, me, world):
    """A plan edited 30 times before anyone signs is one version per author turn, not 30 (the
    export drew a PDF per version and a client could inflate it without limit)."""
    therapist.post(urls(world)["edit"], PLAN)  # the therapist starts the plan; the client adds their parts
    for n in range(30):
        me.post(reverse("client_plan_edit"), {**PLAN, "what_helps": f"Music, take {n}"})
    first, draft = FlightPlanVersion.objects.filter(client=world.client).order_by("number")
    assert draft.content["what_helps"] == "Music, take 29" and draft.author == world.client.membership.user
    therapist.post(urls(world)["edit"], {**PLAN, "what_helps": "Music, take 29", "food": "Soup after"})
    assert FlightPlanVersion.objects.filter(client=world.client).count() == 3  # another author: a new version
    v3 = FlightPlanVersion.objects.get(client=world.client, number=3)
    sign(therapist, urls(world)["sign"], v3)
    therapist.post(urls(world)["edit"], {**PLAN, "what_helps": "Music, take 29", "food": "Toast"})
    assert FlightPlanVersion.objects.filter(client=world.client).count() == 4  # a signed version is never rewritten
    assert FlightPlanVersion.objects.get(pk=v3.pk).content["food"] == "Soup after"
    from practice.audit.models import AuditEvent

    history = AuditEvent.objects.filter(table_name="therapy_sessions_flightplanversion", row_id=str(draft.pk))
    assert history.count() == 30  # every state of the draft stays in the audit trail


def test_draft_rules_hold_in_the_database(therapist, world):
    therapist.post(urls(world)["edit"], PLAN)
    v1 = FlightPlanVersion.objects.get(client=world.client)
    FlightPlanVersion.objects.filter(pk=v1.pk).update(content={"intentions": "draft"})  # unsigned: allowed
    for change in [{"number": 7}, {"author": world.client.membership.user}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            FlightPlanVersion.objects.filter(pk=v1.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        FlightPlanVersion.objects.filter(pk=v1.pk).delete()


def test_a_client_writes_only_their_own_parts_in_their_words(therapist, me, world):
    page = me.get(reverse("client_plan")).content.decode()
    assert "Your therapist starts your flight plan with you" in page and reverse("client_plan_edit") not in page
    assert me.get(reverse("client_plan_edit")).status_code == 302  # nothing to add to yet
    therapist.post(urls(world)["edit"], {**PLAN, "dose_initial_mg": "100", "people_present": "Tess"})
    form = me.get(reverse("client_plan_edit")).content.decode()
    assert "What you want to work on" in form and "How you get home" in form
    assert 'name="dose_initial_mg"' not in form and 'name="people_present"' not in form
    # a forged dose in the post is ignored; the therapist's parts stay as they were
    me.post(reverse("client_plan_edit"), {**PLAN, "intentions": "Grief, in my words", "dose_initial_mg": "200",
                                          "people_present": "Nobody"})
    latest = FlightPlanVersion.objects.filter(client=world.client).order_by("-number").first()
    assert latest.content["intentions"] == "Grief, in my words"
    assert Decimal(latest.content["dose_initial_mg"]) == Decimal("100")
    assert latest.content["people_present"] == "Tess"
    assert "What you want to work on" in me.get(reverse("client_plan")).content.decode()
