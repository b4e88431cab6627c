"""Consent: versioned documents, signing rules, revocation, re-signing, tamper-proofing, PDF."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from clients.consent import selectors as consent_selectors
from clients.consent import services as consent_services
from clients.consent.models import ConsentRevocation, ConsentSignature, ConsentTemplateVersion
from practice.models import PractitionerProfile


@pytest.fixture
def informed(world):
    PractitionerProfile.objects.create(membership=world.therapist, credentials="MDMA-assisted therapy training",
                                       licence_type="LCSW", licence_number="L-1", licence_board="Oregon Board",
                                       licence_jurisdiction="Oregon", verification="verified")
    return consent_services.template_write(by=world.admin, kind="informed", title="Informed consent",
                                           body="MDMA-assisted therapy has benefits and risks, including worse symptoms.")


@pytest.fixture
def as_client(world):
    c = Client()
    c.force_login(world.client.membership.user)
    return c


def sign_form(as_client, doc, **overrides):
    page = as_client.get(reverse("consent_sign", kwargs={"version_id": doc.pk}))
    assert page.status_code == 200
    data = {"version": doc.pk, "text_sha256": page.context["form"].initial["text_sha256"],
            "typed_name": "Cora Client", "confirm": "on", **overrides}
    return as_client.post(reverse("consent_sign", kwargs={"version_id": doc.pk}), data,
                          HTTP_USER_AGENT="Test Browser/1.0", REMOTE_ADDR="203.0.113.7")


def test_informed_consent_names_credentials_and_supervisor(world, informed):
    text = consent_selectors.render(informed, world.client)
    assert ("Tess Therapist. Licence: LCSW, no. L-1, issued by Oregon Board (Oregon) (verified by the practice). "
            "Training: MDMA-assisted therapy training. Supervised by: Sue Supervisor.") in text
    assert text.startswith("Informed consent\nVersion 1")


def test_client_signs_and_the_record_keeps_text_hash_time_and_origin(as_client, world, informed):
    response = sign_form(as_client, informed)
    assert response.status_code == 302
    sig = ConsentSignature.objects.get(client=world.client)
    assert sig.rendered_text == consent_selectors.render(informed, world.client)
    assert sig.text_sha256 == consent_services.sha256(sig.rendered_text)
    assert (sig.ip_address, sig.user_agent, sig.signer) == ("203.0.113.7", "Test Browser/1.0", world.client.membership.user)
    assert consent_selectors.informed_consent_state(world.client).code == "in_force"


@pytest.mark.parametrize("overrides,message", [
    ({"typed_name": "Someone Else"}, "Type your full name"),
    ({"confirm": ""}, "Tick the box"),
    ({"text_sha256": "0" * 64}, "text changed while you were reading"),
    ({"version": "999999"}, "does not exist"),
])
def test_bad_signatures_change_nothing(as_client, world, informed, overrides, message):
    response = sign_form(as_client, informed, **overrides)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ConsentSignature.objects.exists()


def test_stale_version_and_double_submission_are_refused(as_client, world, informed):
    page = as_client.get(reverse("consent_sign", kwargs={"version_id": informed.pk}))
    stale_hash = page.context["form"].initial["text_sha256"]
    v2 = consent_services.template_write(by=world.admin, kind="informed", title="Informed consent", body="Revised text.")
    response = as_client.post(reverse("consent_sign", kwargs={"version_id": informed.pk}),
                              {"version": informed.pk, "text_sha256": stale_hash, "typed_name": "Cora Client",
                               "confirm": "on"})
    assert response.status_code == 400 and "newer version" in response.content.decode()
    assert sign_form(as_client, v2).status_code == 302
    again = sign_form(as_client, v2)
    assert again.status_code == 400 and "already signed" in again.content.decode()
    assert ConsentSignature.objects.count() == 1


def test_nobody_signs_for_the_client(client, world, informed):
    client.force_login(world.therapist.user)
    assert client.get(reverse("consent_sign", kwargs={"version_id": informed.pk})).status_code == 403
    with pytest.raises(Exception, match="Only the client"):
        consent_services.consent_sign(client=world.client, user=world.therapist.user, version_id=informed.pk,
                                      text_sha256="x", typed_name="Cora Client", ip_address=None, user_agent="")
    assert not ConsentSignature.objects.exists()


def test_revocation_ends_consent_and_signing_again_restores_it(as_client, world, informed):
    sign_form(as_client, informed)
    sig = ConsentSignature.objects.get()
    as_client.post(reverse("consent_revoke", kwargs={"signature_id": sig.pk}), {"reason": "Need time to think"})
    assert consent_selectors.informed_consent_state(world.client).code == "revoked"
    assert not consent_selectors.informed_consent_state(world.client).in_force
    assert ConsentRevocation.objects.get().reason == "Need time to think"
    again = as_client.post(reverse("consent_revoke", kwargs={"signature_id": sig.pk}), follow=True)
    assert "already withdrawn" in again.content.decode()
    assert sign_form(as_client, informed).status_code == 302
    assert consent_selectors.informed_consent_state(world.client).code == "in_force"


def test_template_change_asks_clients_to_re_sign(as_client, client, world, informed):
    sign_form(as_client, informed)
    v2 = consent_services.template_write(by=world.admin, kind="informed", title="Informed consent", body="Now with more.")
    state = consent_selectors.informed_consent_state(world.client)
    assert state.code == "resign" and state.in_force and state.outstanding
    assert "Read and sign: Informed consent" in as_client.get(reverse("portal")).content.decode()
    client.force_login(world.therapist.user)
    page = client.get(reverse("consent_outstanding")).content.decode()
    assert "Signed v1; v2 needs signing" in page
    assert list(ConsentTemplateVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert v2.number == 2


def test_admin_edits_make_versions(client, world, informed):
    client.force_login(world.admin.user)
    response = client.post(reverse("consent_edit", kwargs={"kind": "informed"}),
                           {"title": "Informed consent", "body": "Second text", "action": "publish"})
    assert response.status_code == 302
    assert ConsentTemplateVersion.objects.count() == 2
    assert ConsentTemplateVersion.objects.get(number=1).body.startswith("MDMA-assisted therapy")
    assert client.post(reverse("consent_edit", kwargs={"kind": "informed"}), {"title": "", "body": ""}).status_code == 400
    assert client.get(reverse("consent_edit", kwargs={"kind": "bogus"})).status_code == 404


def test_signed_records_cannot_be_edited_or_deleted_even_with_sql(as_client, world, informed):
    sign_form(as_client, informed)
    sig = ConsentSignature.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentSignature.objects.filter(pk=sig.pk).update(typed_name="Forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        sig.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clients_consentsignature SET rendered_text = 'other' WHERE id = %s", [sig.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentTemplateVersion.objects.filter(pk=informed.pk).update(body="Rewritten history")
    revocation = ConsentRevocation.objects.create(signature=sig, revoked_by=world.client.membership.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        revocation.delete()
    sig.refresh_from_db()
    assert sig.typed_name == "Cora Client"


def test_pdf_shows_text_signature_and_hash(as_client, client, world, informed):
    sign_form(as_client, informed)
    sig = ConsentSignature.objects.get()
    response = as_client.get(reverse("consent_pdf_own", kwargs={"signature_id": sig.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert f"consent-{sig.pk}.pdf" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "benefits and risks" in text and "Cora Client" in text and sig.text_sha256 in text.replace("\n", "")
    client.force_login(world.supervisor.user)
    staff = client.get(reverse("consent_pdf_staff", kwargs={"client_id": world.client.pk, "signature_id": sig.pk}))
    assert staff.status_code == 200 and staff["Content-Type"] == "application/pdf"


def test_script_in_consent_text_is_escaped_and_not_markup_in_pdf(as_client, world):
    version = consent_services.template_write(by=world.admin, kind="touch", title="Touch <b>contract</b>",
                                              body="<script>alert(1)</script> **bold?**")
    page = as_client.get(reverse("consent_sign", kwargs={"version_id": version.pk})).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    sign_form(as_client, version)
    sig = ConsentSignature.objects.get()
    pdf = as_client.get(reverse("consent_pdf_own", kwargs={"signature_id": sig.pk})).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "<script>alert(1)</script> **bold?**" in text


def test_therapist_sets_credentials_that_new_consent_texts_use(client, world, informed):
    client.force_login(world.therapist.user)
    response = client.post(reverse("profile"), {"full_name": "Tess Therapist", "time_zone": "UTC",
                                                "cred-credentials": "LPC #12345, Texas Behavioral Health Board"})
    assert response.status_code == 302
    assert "LPC #12345, Texas Behavioral Health Board" in consent_selectors.render(informed, world.client)


def test_a_new_text_is_drafted_and_previewed_before_any_client_sees_it(client, world, informed, as_client):
    from clients.consent.models import ConsentDraft

    sign_form(as_client, informed)
    client.force_login(world.admin.user)
    url = reverse("consent_edit", kwargs={"kind": "informed"})
    client.post(url, {"title": "Informed consent", "body": "Draft text with a typo", "action": "draft"})
    assert ConsentDraft.objects.get().body == "Draft text with a typo" and ConsentTemplateVersion.objects.count() == 1
    assert "Draft text with a typo" in client.get(url).content.decode()  # the draft is what the editor shows
    preview = client.post(url, {"title": "Informed consent", "body": "Draft text, fixed", "action": "preview"})
    page = preview.content.decode()
    assert preview.status_code == 200 and "Preview of the document" in page and "Version 2 of Informed consent" in page
    assert "(each of the client&#x27;s practitioners" in page  # where the client's own details will go
    portal = as_client.get(reverse("portal")).content.decode()
    assert "Draft text" not in portal and "Read and sign: Informed consent" not in portal  # clients see nothing yet


@pytest.mark.parametrize(("action", "reason", "settled"), [
    ("publish", "", False),  # a new version: everyone is asked to sign again
    ("correct", "A typo in the second sentence: no meaning changed.", True),
])
def test_a_correction_keeps_signatures_in_force_and_says_why(client, world, informed, as_client, action, reason,
                                                             settled):
    from clients.consent.models import ConsentDraft

    sign_form(as_client, informed)
    client.force_login(world.admin.user)
    url = reverse("consent_edit", kwargs={"kind": "informed"})
    client.post(url, {"title": "Informed consent", "body": "Corrected text", "action": "draft"})
    response = client.post(url, {"title": "Informed consent", "body": "Corrected text", "action": action,
                                 "correction_reason": reason})
    assert response.status_code == 302 and not ConsentDraft.objects.exists()  # the draft is gone once published
    state = consent_selectors.informed_consent_state(world.client)
    assert state.code == ("in_force" if settled else "resign") and state.outstanding is not settled
    _versions, states = consent_selectors.states_for([world.client], world.practice.pk)
    assert [s.code for s in states[world.client.pk].values()] == [state.code]
    supervisor = Client()
    supervisor.force_login(world.supervisor.user)
    page = supervisor.get(reverse("consent_templates")).content.decode()
    if settled:
        assert reason in page and "MDMA-assisted therapy has benefits" in page and "Corrected text" in page
    else:
        assert "Corrections published without re-signing (0)" in page
    assert reverse("consent_edit", kwargs={"kind": "informed"}) not in page  # supervisors read, admins edit


def test_a_correction_needs_a_reason_and_a_first_version_cannot_be_one(client, world, informed):
    client.force_login(world.admin.user)
    url = reverse("consent_edit", kwargs={"kind": "informed"})
    refused = client.post(url, {"title": "Informed consent", "body": "Changed", "action": "correct",
                                "correction_reason": ""})
    assert refused.status_code == 400 and "Say what the correction changes" in refused.content.decode()
    first = client.post(reverse("consent_edit", kwargs={"kind": "touch"}), {
        "title": "Touch", "body": "Text", "action": "correct", "correction_reason": "Nothing to correct here really."})
    assert first.status_code == 400 and "nothing to correct" in first.content.decode()
    assert ConsentTemplateVersion.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database insists on a reason
        ConsentTemplateVersion.objects.create(template=informed.template, number=9, title="t", body="b",
                                              created_by=world.admin, needs_resign=False)
