"""Every URL of the app, for every standing role: who may see what.

A new URL pattern without a row here fails `test_every_url_has_expectations`, so access
rules cannot be forgotten. Another practice's objects are 404, never 403.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clients.invitations.services import invitation_create
from clients.models import Client

from . import factories
from .conftest import ROLES
from .wordscan import visible_code_names

OK, FOUND, BAD_REQUEST, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, GONE = 200, 302, 400, 403, 404, 405, 410


def row(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES}


# GET status per URL name and role. "anonymous" is redirected to login (302) where a
# login is needed. Role too low -> 403; another practice's or another caseload's client -> 404.
GET_EXPECTATIONS = {
    "home": row(FOUND),
    "healthz": row(OK),
    "profile": row(OK, anonymous=FOUND),
    "choose_practice": row(OK, anonymous=FOUND),
    "accept_invitation": row(OK),
    "team": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "invite_staff": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "revoke_invitation": row(FORBIDDEN, admin=NOT_ALLOWED, anonymous=FOUND),
    "resend_invitation": row(FORBIDDEN, admin=NOT_ALLOWED, therapist=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
                             outsider=NOT_ALLOWED, anonymous=FOUND),
    "member_active": row(FORBIDDEN, admin=NOT_ALLOWED, anonymous=FOUND),
    "assign_client": row(FORBIDDEN, admin=NOT_ALLOWED, anonymous=FOUND),
    "link_supervisor": row(FORBIDDEN, admin=NOT_ALLOWED, anonymous=FOUND),
    "supervision": row(FORBIDDEN, supervisor=OK, unrelated_supervisor=OK, anonymous=FOUND),
    "policy": row(OK, client=FORBIDDEN, other_client=FORBIDDEN, anonymous=FOUND),
    "client_plan": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "client_plan_edit": row(FORBIDDEN, client=OK, other_client=FOUND, anonymous=FOUND),  # no plan yet: back to it
    "client_plan_sign": row(FORBIDDEN, client=NOT_ALLOWED, other_client=NOT_ALLOWED, anonymous=FOUND),
    "client_plan_diff": row(FORBIDDEN, client=OK, other_client=BAD_REQUEST, anonymous=FOUND),
    "client_plan_pdf": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "staff_plan": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "staff_plan_edit": row(
        FORBIDDEN, therapist=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND, outsider=NOT_FOUND,
        anonymous=FOUND,
    ),
    "staff_plan_sign": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "staff_plan_diff": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "staff_plan_pdf": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "session_schedule": row(FORBIDDEN, therapist=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
                            outsider=NOT_FOUND, anonymous=FOUND),
    "session_detail": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "session_start": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "session_status": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "session_reschedule": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "session_note": row(FORBIDDEN, therapist=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
                        outsider=NOT_FOUND, anonymous=FOUND),
    "note_addendum": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "note_cosign": row(FORBIDDEN, supervisor=NOT_ALLOWED, unrelated_supervisor=NOT_ALLOWED, anonymous=FOUND),
    "session_live": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "session_live_state": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "calendar_link": row(FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=OK, unrelated_supervisor=OK,
                         outsider=OK, anonymous=FOUND),
    "calendar_feed": row(NOT_FOUND),  # no login: the secret link is the key, and a wrong one finds nothing
    "client_prepare": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "client_appointment_ics": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "agenda": row(FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=OK, unrelated_supervisor=OK,
                  outsider=OK, anonymous=FOUND),
    "client_search": row(FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=OK, unrelated_supervisor=OK,
                         outsider=OK, anonymous=FOUND),  # everyone searches only what they may see
    "session_sign_outcome": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "session_live_record": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "checkin_link": row(GONE),
    "reminder_link": row(GONE),
    "checkin_portal": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "checkin_pause": row(FORBIDDEN, client=NOT_ALLOWED, other_client=NOT_ALLOWED, anonymous=FOUND),
    "checkin_inbox": row(FORBIDDEN, therapist=OK, other_therapist=OK, outsider=OK, anonymous=FOUND),
    "checkin_days": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "checkin_acknowledge": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "measure_acknowledge": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    # Nothing is due in this world (no intake yet): an answer page is 404 even for the client
    # (tests/test_measures.py opens one that is due).
    "portal_measure": row(FORBIDDEN, client=NOT_FOUND, other_client=NOT_FOUND, anonymous=FOUND),
    "survey_link": row(GONE),
    "survey_portal_list": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "survey_portal": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "alliance_acknowledge": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "client_survey_schedule": row(FORBIDDEN, therapist=NOT_ALLOWED, other_therapist=NOT_ALLOWED, outsider=NOT_ALLOWED,
                                  anonymous=FOUND),
    "practice_survey_schedule": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "practice_measure_schedule": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "portal_concerns": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "portal_concern": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "concerns": row(OK, client=FORBIDDEN, other_client=FORBIDDEN, anonymous=FOUND),
    "concern_detail": row(NOT_FOUND, admin=OK, supervisor=OK, client=FORBIDDEN, other_client=FORBIDDEN,
                          anonymous=FOUND),
    "audit_log": row(FORBIDDEN, admin=OK, supervisor=OK, unrelated_supervisor=OK, anonymous=FOUND),
    "reports": row(OK, client=FORBIDDEN, other_client=FORBIDDEN, anonymous=FOUND),
    "portal_demographics": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "state_report": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "my_records": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "my_records_prepare": row(FORBIDDEN, client=NOT_ALLOWED, other_client=NOT_ALLOWED, anonymous=FOUND),
    "my_records_download": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "practitioners": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "supervisee_review": row(FORBIDDEN, supervisor=OK, unrelated_supervisor=NOT_FOUND, anonymous=FOUND),
    "supervisee_mark": row(FORBIDDEN, supervisor=NOT_ALLOWED, unrelated_supervisor=NOT_ALLOWED, anonymous=FOUND),
    "consent_templates": row(FORBIDDEN, admin=OK, supervisor=OK, unrelated_supervisor=OK, anonymous=FOUND),
    "consent_edit": row(FORBIDDEN, admin=OK, anonymous=FOUND),
    "consent_outstanding": row(FORBIDDEN, therapist=OK, other_therapist=OK, outsider=OK, anonymous=FOUND),
    "consent_sign": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "consent_revoke": row(FORBIDDEN, client=NOT_ALLOWED, other_client=NOT_ALLOWED, anonymous=FOUND),
    "consent_pdf_own": row(FORBIDDEN, client=OK, other_client=NOT_FOUND, anonymous=FOUND),
    "consent_pdf_staff": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "caseload": row(FORBIDDEN, therapist=OK, other_therapist=OK, outsider=OK, anonymous=FOUND),
    "today": row(FORBIDDEN, therapist=OK, other_therapist=OK, outsider=OK, supervisor=OK, unrelated_supervisor=OK,
                 anonymous=FOUND),
    "invite_client": row(FORBIDDEN, therapist=OK, other_therapist=OK, outsider=OK, anonymous=FOUND),
    "client_detail": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "client_stage": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "portal": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "client_form": row(FORBIDDEN, client=OK, other_client=OK, anonymous=FOUND),
    "client_form_read": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "therapist_form": row(FORBIDDEN, therapist=OK, other_therapist=NOT_FOUND, outsider=NOT_FOUND, anonymous=FOUND),
    "screening_review": row(
        FORBIDDEN, therapist=OK, supervisor=OK, other_therapist=NOT_FOUND, unrelated_supervisor=NOT_FOUND,
        outsider=NOT_FOUND, anonymous=FOUND,
    ),
    "screening_acknowledge": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    "screening_classify": row(
        FORBIDDEN, therapist=NOT_ALLOWED, supervisor=NOT_ALLOWED, other_therapist=NOT_ALLOWED,
        unrelated_supervisor=NOT_ALLOWED, outsider=NOT_ALLOWED, anonymous=FOUND,
    ),
    # Django admin: superusers only; everyone else is sent to its login page.
    "admin:index": row(FOUND),
}

# Who may write to the therapist's client (C1): only the caseload therapist (302 after the write).
WRITE_EXPECTATIONS = [
    ("therapist", FOUND), ("supervisor", FORBIDDEN), ("other_therapist", NOT_FOUND),
    ("unrelated_supervisor", NOT_FOUND), ("admin", FORBIDDEN), ("client", FORBIDDEN),
    ("other_client", FORBIDDEN), ("outsider", NOT_FOUND), ("anonymous", FOUND),
]

# Patterns that belong to libraries and show no client data.
EXTERNAL_PREFIXES = ("accounts/", "django-admin/")


def signed_consent(world):
    """An informed-consent document of the world's practice, signed by its client."""
    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services

    version = consent_services.template_write(by=world.admin, kind="informed", title="Informed consent", body="Text.")
    text = consent_selectors.render(version, world.client)
    signature = consent_services.consent_sign(client=world.client, user=world.client.membership.user, version_id=version.pk,
                                              text_sha256=consent_services.sha256(text), typed_name="Cora Client",
                                              ip_address=None, user_agent="test")
    return version, signature


def app_url_names() -> set[str]:
    names = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                route = prefix + str(p.pattern)
                if route.startswith(EXTERNAL_PREFIXES):
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_expectations():
    assert app_url_names() <= set(GET_EXPECTATIONS), app_url_names() - set(GET_EXPECTATIONS)


@pytest.fixture
def url_for(world):
    pending = invitation_create(inviter=world.admin, email="newcomer@example.test", role="therapist")
    version, signature = signed_consent(world)
    from sessions.flightplans.services import plan_save

    session = factories.session(world.client, world.therapist, kind="medicine")
    from sessions.checkins.models import CheckIn

    checkin = CheckIn.objects.create(client=world.client, session=session, day=1, due_at=session.scheduled_start,
                                     state="sent")
    from django.utils import timezone

    from sessions.surveys.models import SurveyRequest

    survey = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="matrix",
                                          due_at=timezone.now(), state="sent", sent_at=timezone.now())
    from practice.accountability.concerns.services import concern_raise

    concern = concern_raise(client=world.client, by=world.client.membership, about_id=world.therapist.pk,
                            category="boundary", text="Matrix concern.")
    from clients.export.models import RecordsExport
    from practice.accountability.records.services import export_build

    records_copy = RecordsExport.objects.create(client=world.client, requested_by=world.client.membership.user)
    export_build(records_copy.pk)
    from screening.services import version_save

    version_save(kind="medical", client=world.client, user=world.client.membership.user, answers={}, submit=True)
    plan_save(client=world.client, author=world.therapist.user, content={"intentions": "One"})
    plan_save(client=world.client, author=world.client.membership.user, content={"intentions": "Two"})
    args = {
        "accept_invitation": {"token": pending.token},
        "revoke_invitation": {"invitation_id": pending.invitation.pk},
        "resend_invitation": {"invitation_id": pending.invitation.pk},
        "member_active": {"member_id": world.therapist.pk},
        "client_detail": {"client_id": world.client.pk},
        "client_stage": {"client_id": world.client.pk},
        "client_form": {"kind": "medical"},
        "therapist_form": {"client_id": world.client.pk, "kind": "medical"},
        "client_form_read": {"client_id": world.client.pk, "kind": "medical", "number": 1},
        "screening_review": {"client_id": world.client.pk},
        "screening_acknowledge": {"client_id": world.client.pk},
        "screening_classify": {"client_id": world.client.pk},
        "client_plan_pdf": {"number": 1},
        "session_schedule": {"client_id": world.client.pk},
        "session_detail": {"client_id": world.client.pk, "session_id": session.pk},
        "session_start": {"client_id": world.client.pk, "session_id": session.pk},
        "session_status": {"client_id": world.client.pk, "session_id": session.pk},
        "session_reschedule": {"client_id": world.client.pk, "session_id": session.pk},
        "session_note": {"client_id": world.client.pk, "session_id": session.pk},
        "note_addendum": {"client_id": world.client.pk, "session_id": session.pk},
        "note_cosign": {"client_id": world.client.pk, "session_id": session.pk},
        "checkin_link": {"token": "not-a-signed-token"},
        "reminder_link": {"token": "not-a-signed-token"},
        "calendar_feed": {"token": "not-a-feed"},
        "client_appointment_ics": {"session_id": session.pk},
        "client_prepare": {"session_id": session.pk},
        "checkin_portal": {"checkin_id": checkin.pk},
        "checkin_days": {"client_id": world.client.pk},
        "checkin_acknowledge": {"client_id": world.client.pk, "answer_id": 1},
        "measure_acknowledge": {"client_id": world.client.pk, "response_id": 1},
        "portal_measure": {"instrument": "phq9", "slot": "intake"},
        "survey_link": {"token": "not-a-signed-token"},
        "portal_concern": {"concern_id": concern.pk},
        "concern_detail": {"concern_id": concern.pk},
        "supervisee_review": {"therapist_id": world.therapist.pk},
        "supervisee_mark": {"therapist_id": world.therapist.pk},
        "survey_portal": {"request_id": survey.pk},
        "alliance_acknowledge": {"client_id": world.client.pk, "alert_id": 1},
        "client_survey_schedule": {"client_id": world.client.pk},
        "session_live": {"client_id": world.client.pk, "session_id": session.pk},
        "session_live_state": {"client_id": world.client.pk, "session_id": session.pk},
        "session_live_record": {"client_id": world.client.pk, "session_id": session.pk, "kind": "dose"},
        "session_sign_outcome": {"client_id": world.client.pk, "session_id": session.pk},
        "staff_plan": {"client_id": world.client.pk},
        "staff_plan_edit": {"client_id": world.client.pk},
        "staff_plan_sign": {"client_id": world.client.pk},
        "staff_plan_diff": {"client_id": world.client.pk},
        "staff_plan_pdf": {"client_id": world.client.pk, "number": 1},
        "consent_edit": {"kind": "informed"},
        "my_records_download": {"export_id": records_copy.pk},
        "consent_sign": {"version_id": version.pk},
        "portal_demographics": {"program": "oregon"},
        "consent_revoke": {"signature_id": signature.pk},
        "consent_pdf_own": {"signature_id": signature.pk},
        "consent_pdf_staff": {"client_id": world.client.pk, "signature_id": signature.pk},
    }
    query = {"client_plan_diff": "?a=1&b=2", "staff_plan_diff": "?a=1&b=2"}
    return lambda name: reverse(name, kwargs=args.get(name, {})) + query.get(name, "")


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(as_role, url_for, role):
    c = as_role(role)
    responses = {name: c.get(url_for(name)) for name in GET_EXPECTATIONS}
    got = {name: r.status_code for name, r in responses.items()}
    want = {name: statuses[role] for name, statuses in GET_EXPECTATIONS.items()}
    assert got == want
    # Every page this role may see reads in words, not code (issue 18; tests/test_words.py crawls the demo too).
    worded = {name: visible_code_names(r) for name, r in responses.items() if r.status_code == OK}
    assert {name: found for name, found in worded.items() if found} == {}


@pytest.mark.parametrize("role,status", WRITE_EXPECTATIONS)
def test_only_the_caseload_therapist_may_change_a_client(as_role, world, role, status):
    c = as_role(role)
    response = c.post(reverse("client_stage", kwargs={"client_id": world.client.pk}), {"stage": "screening"})
    assert response.status_code == status
    world.client.refresh_from_db()
    assert world.client.stage == ("screening" if role == "therapist" else "intake")


def test_another_practices_client_is_404_even_for_its_own_role(as_role, world):
    c = as_role("therapist")
    assert c.get(reverse("client_detail", kwargs={"client_id": world.outsider_client.pk})).status_code == NOT_FOUND
    c = as_role("supervisor")
    assert c.get(reverse("client_detail", kwargs={"client_id": world.outsider_client.pk})).status_code == NOT_FOUND


def test_unknown_client_id_is_404(as_role):
    c = as_role("therapist")
    assert c.get("/clients/00000000-0000-0000-0000-000000000000/").status_code == NOT_FOUND
    assert c.get("/clients/not-a-uuid/").status_code == NOT_FOUND


def test_admin_of_another_practice_cannot_revoke_or_assign_here(client, world):
    pending = invitation_create(inviter=world.admin, email="someone@example.test", role="therapist")
    client.force_login(world.outsider_admin.user)
    response = client.post(reverse("revoke_invitation", kwargs={"invitation_id": pending.invitation.pk}))
    assert response.status_code == NOT_FOUND
    pending.invitation.refresh_from_db()
    assert pending.invitation.revoked_at is None

    response = client.post(
        reverse("assign_client"),
        {"assign-client": str(world.client.pk), "assign-therapist": str(world.outsider.pk)},
    )
    assert response.status_code == FOUND  # back to the team page with an error message
    assert not world.client.assignments.filter(therapist=world.outsider).exists()


def test_supervisor_sees_only_supervisees_clients(as_role, world):
    page = as_role("supervisor").get(reverse("supervision")).content.decode()
    assert "Cora Client" in page and "Tess Therapist" in page
    assert "Dan Different" not in page and "Zed Zone" not in page


def test_caseload_lists_only_own_clients(as_role, world):
    page = as_role("therapist").get(reverse("caseload")).content.decode()
    assert "Cora Client" in page
    assert "Dan Different" not in page and "Zed Zone" not in page


def test_ended_assignment_removes_access(as_role, world):
    from django.utils import timezone

    world.client.assignments.update(ended_at=timezone.now())
    c = as_role("therapist")
    assert c.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).status_code == NOT_FOUND
    c = as_role("supervisor")
    assert c.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).status_code == NOT_FOUND
    assert Client.objects.filter(pk=world.client.pk).exists()  # ended, not deleted


@pytest.mark.parametrize("role,status", WRITE_EXPECTATIONS)
def test_only_the_caseload_therapist_may_acknowledge_a_caution(as_role, world, role, status):
    from screening.models import CautionAcknowledgement, PsychologicalScreening
    from screening.services import version_save

    version_save(kind="psychological", client=world.client, user=world.client.membership.user,
                 answers={"psychosis_family": True, **dict.fromkeys(PsychologicalScreening.SCREENER_FIELDS, False)},
                 submit=True)
    c = as_role(role)
    response = c.post(reverse("screening_acknowledge", kwargs={"client_id": world.client.pk}),
                      {"flag_key": "psychosis_history", "rationale": "Family history only; discussed at length."})
    assert response.status_code == status
    assert CautionAcknowledgement.objects.filter(client=world.client).exists() is (role == "therapist")


def test_clients_of_another_practice_get_404_for_consent_documents_and_pdfs(client, world):
    version, signature = signed_consent(world)
    client.force_login(world.outsider_client.membership.user)
    assert client.get(reverse("consent_sign", kwargs={"version_id": version.pk})).status_code == NOT_FOUND
    assert client.get(reverse("consent_pdf_own", kwargs={"signature_id": signature.pk})).status_code == NOT_FOUND
    response = client.post(reverse("consent_revoke", kwargs={"signature_id": signature.pk}))
    assert response.status_code == NOT_FOUND
    from clients.consent.models import ConsentRevocation

    assert not ConsentRevocation.objects.exists()
