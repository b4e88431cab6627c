"""What each role's home page shows, and that list pages keep a constant query count."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.roles import Role

from . import factories as f

CLIENT_LINK = re.compile(r'href="/clients/[0-9a-f-]{36}/"')


def test_caseload_shows_stage_and_next_session(client, world):
    f.session(world.client, world.therapist, days=3, kind="preparation")
    f.session(world.client, world.therapist, days=10, kind="medicine")
    f.session(world.client, world.therapist, days=-3, kind="therapy", status="completed")
    client.force_login(world.therapist.user)
    page = client.get(reverse("caseload")).content.decode()
    assert "Intake" in page and "(Preparation)" in page and "(medicine)" not in page


def test_client_portal_says_what_to_do_next(client, world):
    client.force_login(world.client.membership.user)
    page = client.get(reverse("portal")).content.decode()
    assert "What to do next" in page
    assert "No session booked" in page
    assert "Protect your account" in page
    assert "Tess Therapist" in page
    assert "+1 (623) 473-7433" in page


def test_supervisor_view_is_read_only(client, world):
    client.force_login(world.supervisor.user)
    page = client.get(reverse("client_detail", kwargs={"client_id": world.client.pk})).content.decode()
    assert "Read-only" in page
    assert "Update stage" not in page


def test_team_page_lists_members_and_assigns(client, world):
    client.force_login(world.admin.user)
    page = client.get(reverse("team")).content.decode()
    assert "Tess Therapist" in page and "Cora Client" in page and "Xavier" not in page
    response = client.post(reverse("assign_client"), {
        "assign-client": str(world.client.pk), "assign-therapist": str(world.other_therapist.pk)})
    assert response.status_code == 302
    assert world.client.assignments.filter(therapist=world.other_therapist, ended_at=None).exists()
    response = client.post(reverse("link_supervisor"), {
        "link-supervisor": str(world.supervisor.pk), "link-therapist": str(world.other_therapist.pk)})
    assert world.supervisor.supervisees.filter(therapist=world.other_therapist).exists()


def test_team_forms_reject_bad_ids_without_change(client, world):
    client.force_login(world.admin.user)
    before = world.client.assignments.count()
    for data in ({"assign-client": "nonsense", "assign-therapist": "1"},
                 {"assign-client": str(world.client.pk), "assign-therapist": str(world.supervisor.pk)},
                 {}):
        response = client.post(reverse("assign_client"), data)
        assert response.status_code in (302, 404)
    assert world.client.assignments.count() == before


def _make_caseload(therapist, n):
    from screening.models import CautionAcknowledgement, ScreeningReview

    for _ in range(n):
        c = f.client(therapist.practice, therapist)
        f.session(c, therapist, days=2)
        flag = {"tier": "caution", "code": "liver_disease", "key": "liver_disease", "digest": "d", "reason": "r",
                "section": "s", "facts": []}
        review = ScreeningReview.objects.create(client=c, as_of=c.created_at.date(), policy={}, table_version="t",
                                                flags=[flag], complete=True)
        CautionAcknowledgement.objects.create(client=c, review=review, flag_key="liver_disease", flag_digest="d",
                                              rationale="Reviewed with the hepatologist.", acknowledged_by=therapist)
        _rate(c, therapist)


def _rate(c, therapist):
    """Two alliance ratings (a drop) with an open alert, as the caseload and supervision pages show them."""
    from sessions.surveys.models import RuptureAlert, SurveyRequest, SurveyResponse

    for i, total in enumerate((64, 50)):
        request = SurveyRequest.objects.create(client=c, practitioner=therapist, slot=f"p{i}", due_at=timezone.now(),
                                               state="answered")
        response = SurveyResponse.objects.create(
            request=request, client=c, practitioner=therapist, instrument_key="brwai", instrument_version="1",
            definition={}, answers={}, total=total, subscales={"bond": total // 2, "tasks_goals": total - total // 2},
            mean=total / 16, submitted_at=timezone.now() - timedelta(days=10 - i))
    RuptureAlert.objects.create(response=response, rule="drop", detail="Dropped 14.")


@pytest.mark.parametrize("url_name,role", [("caseload", "therapist"), ("supervision", "supervisor")])
def test_list_pages_use_constant_queries(client, world, django_assert_num_queries, url_name, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.membership(role).user)
    client.get(reverse(url_name))  # first request stores the practice choice in the session
    _make_caseload(world.therapist, 4)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _make_caseload(world.therapist, 195)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse(url_name))
    assert len(CLIENT_LINK.findall(response.content.decode())) == 50  # the first 50, whatever the size


def test_caseload_pages_through_a_long_list(client, world):
    _make_caseload(world.therapist, 60)
    client.force_login(world.therapist.user)
    first = client.get(reverse("caseload")).content.decode()
    assert "Page 1" in first and 'rel="next"' in first and len(CLIENT_LINK.findall(first)) == 50
    second = client.get(reverse("caseload") + "?page=2").content.decode()
    assert len(CLIENT_LINK.findall(second)) == 11 and 'rel="next"' not in second and 'rel="prev"' in second
    for junk in ("999", "-1", "abc", "1e9"):
        assert client.get(reverse("caseload") + f"?page={junk}").status_code == 200


def test_demo_totp_refuses_non_demo_users(world, settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = True
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_totp", world.therapist.user.email)
    settings.DEBUG = False
    world.therapist.user.is_demo = True
    world.therapist.user.save()
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("demo_totp", world.therapist.user.email)


def test_seed_demo_is_idempotent(db):
    from django.core.management import call_command

    from clients.models import Client
    from practice.models import Membership, User
    from sessions.models import TherapySession
    from sessions.surveys.models import RuptureAlert, SurveyResponse

    def counted():
        return (User.objects.count(), Membership.objects.count(), Client.objects.count(),
                TherapySession.objects.count(), SurveyResponse.objects.count())

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = counted()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == counted()
    assert counts[4] == 3 and set(RuptureAlert.objects.values_list("rule", flat=True)) == {"drop", "low_mean"}
    assert counts[:3] == (10, 10, 6)
    assert {c.stage for c in Client.objects.all()} == {"intake", "screening", "preparation", "medicine", "integration", "closed"}
    staff = User.objects.filter(memberships__role__in=[Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR])
    assert all(f.has_totp(u) for u in staff) and staff.count() == 4


def test_profile_sets_the_time_zone_used_for_display(client, world):
    client.force_login(world.therapist.user)
    response = client.post(reverse("profile"), {"full_name": "Tess T", "time_zone": "Australia/Perth"})
    assert response.status_code == 302
    world.therapist.user.refresh_from_db()
    assert world.therapist.user.time_zone == "Australia/Perth"
    response = client.post(reverse("profile"), {"full_name": "", "time_zone": "Nowhere/Land"})
    assert response.status_code == 400
    world.therapist.user.refresh_from_db()
    assert (world.therapist.user.full_name, world.therapist.user.time_zone) == ("Tess T", "Australia/Perth")


def test_client_login_without_a_record_gets_a_page_not_a_crash(client, world):
    orphan = f.member(world.practice, Role.CLIENT)
    client.force_login(orphan.user)
    assert client.get(reverse("portal")).status_code == 404


def test_every_portal_to_do_is_a_link_to_where_it_is_done(client, world):
    from django.utils import timezone

    from clients.consent import services as consent_services
    from sessions.checkins.models import CheckIn
    from sessions.flightplans import services as flightplans

    doc = consent_services.template_write(by=world.admin, kind="informed", title="Informed consent", body="Risks.")
    plan = flightplans.plan_save(client=world.client, author=world.therapist.user, content={"intentions": "Rest"})
    flightplans.plan_sign(client=world.client, user=world.therapist.user, role=flightplans.THERAPIST,
                          version_id=plan.pk, content_sha256=plan.content_sha256)
    medicine = f.session(world.client, world.therapist, days=5, kind="medicine")
    done = f.session(world.client, world.therapist, days=-3, kind="therapy", status="completed")
    checkin = CheckIn.objects.create(client=world.client, session=done, day=1, due_at=timezone.now(), state="sent")
    client.force_login(world.client.membership.user)
    page = client.get(reverse("portal")).content.decode()
    steps = page.split('id="next-h"', 1)[1].split("</section>", 1)[0]
    for url, title in [(reverse("client_form", args=["intake"]), "Fill in “About you”"),
                       (reverse("consent_sign", args=[doc.pk]), "Read and sign: Informed consent"),
                       (reverse("client_plan"), "Read and sign your flight plan (version 1)"),
                       (reverse("checkin_portal", args=[checkin.pk]), "Answer your day 1 check-in"),
                       (reverse("client_prepare", args=[medicine.pk]), "Prepare for your medicine session on"),
                       (reverse("mfa_activate_totp"), "Protect your account")]:
        assert f'<a href="{url}"><strong>{title}' in steps, title
    # signed by the client too: the plan leaves the list
    flightplans.plan_sign(client=world.client, user=world.client.membership.user, role=flightplans.CLIENT,
                          version_id=plan.pk, content_sha256=plan.content_sha256)
    assert "Read and sign your flight plan" not in client.get(reverse("portal")).content.decode()


def test_without_javascript_a_first_time_zone_is_the_practices(client, world):
    from clients.invitations.services import invitation_create

    type(world.practice).objects.filter(pk=world.practice.pk).update(time_zone="Europe/Lisbon")
    pending = invitation_create(inviter=world.therapist, email="new@example.test", role="client")
    page = client.get(reverse("accept_invitation", args=[pending.token])).content.decode()
    assert '<option value="Europe/Lisbon" selected>' in page and "data-browser-zone" in page
    client.force_login(world.client.membership.user)
    intake = client.get(reverse("client_form", args=["intake"])).content.decode()
    assert '<option value="Europe/Lisbon" selected>' in intake and "data-browser-zone" in intake


def test_a_form_marks_what_is_required_and_sums_up_its_errors_linked_to_the_fields(client, world):
    client.force_login(world.client.membership.user)
    url = reverse("client_form", args=["intake"])
    page = client.get(url).content.decode()
    assert '<label for="id_legal_name">Legal name</label><span class="required" aria-hidden="true">(required)</span>' \
        in page and 'name="legal_name" maxlength="200" required' in page
    assert '<label for="id_pronouns">Pronouns</label></div>' in page  # optional: no marker
    response = client.post(url, {"action": "submit", "legal_name": "", "time_zone": "UTC", "mass_unit": "kg"})
    summary = response.content.decode().split('class="message error error-summary"', 1)[1].split("</div>", 1)[0]
    assert response.status_code == 400 and "answers need attention" in summary
    assert '<a href="#id_legal_name">Legal name</a>: This field is required.' in summary


def test_inviting_the_same_address_again_replaces_the_earlier_link_and_can_be_resent(client, world, mailoutbox):
    import re

    from clients.invitations.services import invitation_create
    from practice.models import Invitation

    first = invitation_create(inviter=world.admin, email="Nia@example.test", role="therapist")
    second = invitation_create(inviter=world.admin, email="nia@example.test", role="therapist")
    assert Invitation.objects.get(pk=first.invitation.pk).state() == "revoked"
    assert "withdrawn" in client.get(reverse("accept_invitation", args=[first.token])).content.decode()
    client.force_login(world.admin.user)
    team = client.get(reverse("team")).content.decode()
    assert team.count("<td>nia@example.test") == 1 and "sent 2 times" in team  # one row per address
    mailoutbox.clear()
    client.post(reverse("resend_invitation", args=[second.invitation.pk]))
    [email] = mailoutbox
    token = re.search(r"/invite/([^/\s]+)/", email.body).group(1)
    assert client.get(reverse("accept_invitation", args=[second.token])).status_code == 410  # the old link stops
    other = Client()
    assert other.get(reverse("accept_invitation", args=[token])).status_code == 200  # the new one works
    assert Invitation.objects.filter(email__iexact="nia@example.test", revoked_at__isnull=True).count() == 1
    # a therapist resends only their own clients' invitations
    theirs = invitation_create(inviter=world.therapist, email="kim@example.test", role="client")
    other.force_login(world.other_therapist.user)
    assert other.post(reverse("resend_invitation", args=[theirs.invitation.pk])).status_code == 404
    mine = Client()
    mine.force_login(world.therapist.user)
    assert mine.post(reverse("resend_invitation", args=[theirs.invitation.pk])).status_code == 302


def test_an_admin_deactivates_a_member_who_leaves_and_can_undo_it(client, world):
    from practice.models import Membership

    leaver = Client()
    leaver.force_login(world.therapist.user)
    assert leaver.get(reverse("caseload")).status_code == 200
    client.force_login(world.admin.user)
    staff = client.get(reverse("team")).content.decode().split('id="members-h"')[1].split("</section>")[0]
    assert "Tess Therapist" in staff and "Cora Client" not in staff  # staff and clients apart
    assert "Cora Client" in client.get(reverse("team"), {"show": "clients"}).content.decode()
    client.post(reverse("member_active", args=[world.therapist.pk]), {"active": "no"})
    world.therapist.refresh_from_db()
    world.therapist.user.refresh_from_db()
    assert not world.therapist.is_active and not world.therapist.user.is_active
    assert leaver.get(reverse("caseload")).status_code == 302  # their open session ended at once
    assert world.client.assignments.filter(therapist=world.therapist).exists()  # records stay
    assert "Tess Therapist" in client.get(reverse("team"), {"show": "inactive"}).content.decode()
    # not yourself, not the last admin
    page = client.post(reverse("member_active", args=[world.admin.pk]), {"active": "no"}, follow=True)
    assert "cannot deactivate yourself" in page.content.decode()
    client.post(reverse("member_active", args=[world.therapist.pk]), {"active": "yes"})
    world.therapist.user.refresh_from_db()
    assert world.therapist.user.is_active and Membership.objects.get(pk=world.therapist.pk).is_active
    outsider = Client()
    outsider.force_login(world.outsider_admin.user)
    assert outsider.post(reverse("member_active", args=[world.therapist.pk]), {"active": "no"}).status_code == 404


def test_a_deactivated_client_gets_no_more_email(world):
    from clients.consent.selectors import contact_blocked
    from practice.models import Membership

    Membership.objects.filter(pk=world.client.membership_id).update(is_active=False)
    world.client.membership.refresh_from_db()
    assert "ended" in contact_blocked(world.client)


def test_messages_say_what_happened(client, world):
    client.force_login(world.client.membership.user)
    page = client.get(reverse("caseload"))
    assert page.status_code == 403 and "this page" in page.content.decode() and "Nothing was changed" not in \
        page.content.decode()  # a page view changes nothing to begin with
    client.force_login(world.therapist.user)
    past = client.post(reverse("session_schedule", args=[world.client.pk]),
                       {"kind": "therapy", "day": "2020-01-01", "at": "10:00"})
    assert "That time has passed" in past.content.decode()


def test_the_portal_reads_where_each_form_stands_in_one_query(world):
    """Not started, a draft, submitted, and a newer draft after a submitted version."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.models import MedicalScreening
    from screening.selectors import form_states
    from screening.services import version_save

    user = world.client.membership.user
    version_save(kind="medical", client=world.client, user=user, answers={}, submit=False)
    version_save(kind="intake", client=world.client, user=user, answers={"legal_name": "Cora Client"}, submit=False)
    with CaptureQueriesContext(connection) as ctx:
        states = dict(form_states(world.client))
    assert len(ctx.captured_queries) == 1
    assert states["psychological"] is None and states["medications"] is None
    assert states["medical"].is_draft and states["medical"].number == 1
    assert states["intake"].number == 1 and states["intake"].is_draft
    MedicalScreening.objects.filter(client=world.client, number=1).update(submitted_at=timezone.now())
    assert not dict(form_states(world.client))["medical"].is_draft
    version_save(kind="medical", client=world.client, user=user, answers={}, submit=False)
    newer = dict(form_states(world.client))["medical"]
    assert newer.number == 2 and newer.is_draft


def test_the_portal_lists_the_next_five_sessions_and_a_recent_medicine_session_in_one_read(
        client, world, django_assert_max_num_queries):
    """Seven booked ahead: the next five, soonest first. A medicine session completed yesterday
    brings the after-session advice; one completed three days ago does not."""
    from django.utils import timezone

    for days in (9, 2, 30, 4, 1.5, 60, 7):
        f.session(world.client, world.therapist, days=days)
    f.session(world.client, world.therapist, days=-3, kind="medicine", status="completed")
    f.session(world.client, world.therapist, days=-3.5, kind="therapy", status="completed")
    client.force_login(world.client.membership.user)
    # 22 before the state-report answers (1 query) and the symptom measures due (3) joined the page.
    with django_assert_max_num_queries(26):
        page = client.get(reverse("portal")).content.decode()
    booked = page.split('id="appt-h"', 1)[1].split("</ul>", 1)[0]
    assert booked.count("<li>") == 5 and "After your medicine session" not in page
    days = [timezone.localtime(s.scheduled_start).strftime("%-d %B") for s in
            world.client.sessions.filter(status="scheduled").order_by("scheduled_start")[:5]]
    assert [d for d in days if f"{d}" in booked] == days
    assert [booked.index(d) for d in days] == sorted(booked.index(d) for d in days)
    recent = f.session(world.client, world.therapist, days=-1.5, kind="medicine", status="completed")
    recent.ended_at = timezone.now() - timedelta(days=1)
    recent.save(update_fields=["ended_at"])
    assert "After your medicine session" in client.get(reverse("portal")).content.decode()
