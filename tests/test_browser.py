"""User journeys in a real browser: Debian's Chromium driven by Playwright.

Also checks every page with axe-core (no serious or critical violations), at phone
width (390 px, no sideways scrolling), under the real Content-Security-Policy.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as DjangoClient

from practice.demo.totp import current_code
from practice.roles import Role

from . import factories as f

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Playwright's sync API keeps an event loop in the test thread; the ORM calls made here
# (fixtures, database teardown) are plain synchronous ones, which Django would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def csp_violations(context):
    seen: list[str] = []
    context.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


def axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_page_ok(page, where: str) -> None:
    assert axe_violations(page) == [], where
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 390px"
    page.set_viewport_size({"width": 1200, "height": 900})


def _log_in_with_cookie(context, live_server, user) -> None:
    django_client = DjangoClient()
    django_client.force_login(user)
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.fixture
def practice_world(transactional_db):
    p = f.practice("Lakeside Practice")
    therapist = f.member(p, Role.THERAPIST, full_name="Tamsin Thera", password=f.PASSWORD, email="tamsin@example.test")
    supervisor = f.member(p, Role.SUPERVISOR, full_name="Silas Super")
    f.supervise(supervisor, therapist)
    clients = [f.client(p, therapist, full_name=name) for name in ("Robin Rowe", "Kai Kettle")]
    f.session(clients[0], therapist, days=2, kind="preparation")
    admin = f.member(p, Role.ADMIN, full_name="Ari Admin")
    return {"therapist": therapist, "supervisor": supervisor, "clients": clients, "admin": admin}


def test_therapist_logs_in_with_keyboard_and_totp_and_sees_caseload(context, live_server, practice_world, csp_violations):
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert_page_ok(page, "login")

    # Keyboard only: tab to the email field, type, tab to the password, press Enter.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "login":
            break
    page.keyboard.type("tamsin@example.test")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_page_ok(page, "two-factor")
    page.get_by_label("Code").fill(current_code(practice_world["therapist"].user))
    page.keyboard.press("Enter")

    page.wait_for_url("**/today/")  # a therapist's home is the day
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today")
    assert_page_ok(page, "today")
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.wait_for_url("**/caseload/")
    table = page.get_by_role("table")
    assert table.get_by_role("link", name="Robin Rowe").is_visible()
    assert table.get_by_role("link", name="Kai Kettle").is_visible()
    assert "Preparation" in table.inner_text() or "preparation" in table.inner_text()
    assert_page_ok(page, "caseload")

    page.get_by_role("link", name="Robin Rowe").click()
    page.wait_for_url("**/clients/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Robin Rowe"
    assert_page_ok(page, "client detail")

    page.get_by_role("link", name="Invite a client").first.click()
    page.wait_for_url("**/caseload/invite/")
    assert_page_ok(page, "invite client")
    assert csp_violations == []


@pytest.mark.parametrize("who,path,heading", [
    ("supervisor", "/supervision/", "Supervisees"),
    ("admin", "/team/", "Team and members"),
    ("admin", "/team/invite/", "Invite a staff member"),
    ("client", "/portal/", "Hello, Robin"),
    ("therapist", "/profile/", "Your profile"),
])
def test_role_home_pages_are_accessible(context, live_server, practice_world, csp_violations, who, path, heading):
    user = practice_world["clients"][0].membership.user if who == "client" else practice_world[who].user
    _log_in_with_cookie(context, live_server, user)
    page = context.new_page()
    page.goto(live_server.url + path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_page_ok(page, path)
    assert csp_violations == []


def test_staff_without_mfa_see_enrolment_not_data(context, live_server, practice_world):
    newcomer = f.member(practice_world["therapist"].practice, Role.THERAPIST, mfa=False, full_name="Nat New")
    f.CaseloadAssignment.objects.create(
        practice=newcomer.practice, therapist=newcomer, client=practice_world["clients"][0])
    _log_in_with_cookie(context, live_server, newcomer.user)
    page = context.new_page()
    page.goto(live_server.url + "/caseload/")
    assert "/accounts/2fa/totp/activate/" in page.url
    assert "Robin Rowe" not in page.content()
    assert_page_ok(page, "totp activation")


SWEEP = {
    "anonymous": ["/accounts/login/", "/accounts/password/reset/", "/invite/{token}/", "/invite/not-a-real-token/"],
    "therapist": ["/today/", "/caseload/", "/caseload/invite/", "/caseload/consents/", "/caseload/checkins/",
                  "/clients/{client}/", "/profile/",
                  "/accounts/password/change/", "/accounts/email/", "/accounts/2fa/", "/accounts/2fa/recovery-codes/",
                  "/accounts/2fa/totp/deactivate/",
                  "/clients/{client}/screening/", "/clients/{client}/forms/medical/", "/clients/{client}/flight-plan/",
                  "/clients/{client}/flight-plan/edit/", "/clients/{client}/sessions/new/",
                  "/clients/{client}/sessions/{session}/", "/clients/{client}/sessions/{session}/note/",
                  "/search/?q=robn", "/search/?q=nobody", "/agenda/", "/agenda/?span=day&who=practice",
                  "/agenda/calendar-link/", "/accountability/reports/"],
    "supervisor": ["/today/", "/supervision/", "/clients/{client}/", "/clients/{client}/screening/", "/policy/",
                   "/clients/{client}/flight-plan/", "/clients/{client}/sessions/{session}/",
                   "/supervision/{therapist}/review/", "/accountability/concerns/", "/accountability/concerns/{concern}/",
                   "/accountability/log/", "/accountability/log/?log=access", "/search/?q=kai",
                   "/accountability/reports/", "/accountability/reports/?start=2026-05-02&end=2026-05-01"],
    "admin": ["/team/", "/team/invite/", "/policy/", "/team/consents/", "/team/consents/informed/", "/team/alliance/",
              "/team/practitioners/", "/accountability/concerns/", "/accountability/log/", "/accountability/reports/",
              "/team/measures/", "/accountability/reports/state/", "/accountability/reports/state/?quarter=2026-Q9"],
    "client": ["/portal/", "/profile/", "/accounts/2fa/totp/activate/", "/does-not-exist/", "/portal/forms/intake/",
               "/portal/forms/medical/", "/portal/forms/medications/", "/portal/forms/psychological/",
               "/portal/consents/{consent}/", "/portal/flight-plan/", "/portal/flight-plan/edit/", "/portal/surveys/",
               "/portal/concerns/", "/portal/concerns/{concern}/", "/portal/records/", "/portal/reporting/oregon/",
               "/portal/measures/phq9/intake/"],
    "other": ["/clients/{client}/", "/practices/choose/"],  # a therapist elsewhere: 404 page; no-choice page
}


@pytest.mark.parametrize("who", SWEEP)
def test_every_page_passes_axe_and_fits_a_phone(context, live_server, practice_world, csp_violations, who):
    from clients.consent import services as consent_services
    from clients.invitations.services import invitation_create

    pending = invitation_create(inviter=practice_world["admin"], email="sweep@example.test", role="therapist")
    consent = consent_services.template_write(by=practice_world["admin"], kind="informed", title="Informed consent",
                                              body="Benefits and risks.")
    medicine = f.session(practice_world["clients"][0], practice_world["therapist"], days=3, kind="medicine")
    from practice.accountability.concerns.services import concern_raise

    robin = practice_world["clients"][0]
    concern = concern_raise(client=robin, by=robin.membership, about_id=practice_world["therapist"].pk,
                            category="conduct", text="Late to every session.")
    if who == "client":  # an intake submitted, so the symptom questionnaires are due
        from screening.services import version_save

        version_save(kind="intake", client=robin, user=robin.membership.user, submit=True,
                     answers={"legal_name": "Robin Rowe", "time_zone": "Europe/Berlin"})
    if who == "other":
        user = f.member(f.practice("Far Away"), Role.THERAPIST).user
    elif who == "client":
        user = practice_world["clients"][0].membership.user
    elif who != "anonymous":
        user = practice_world[who].user
    if who != "anonymous":
        _log_in_with_cookie(context, live_server, user)
    page = context.new_page()
    for path in SWEEP[who]:
        url = live_server.url + path.format(token=pending.token, client=practice_world["clients"][0].pk,
                                            consent=consent.pk, session=medicine.pk, concern=concern.pk,
                                            therapist=practice_world["therapist"].pk)
        response = page.goto(url)
        assert response.status < 500, path
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert_page_ok(page, path)
    assert csp_violations == []


def test_invite_form_works_by_keyboard(context, live_server, practice_world):
    _log_in_with_cookie(context, live_server, practice_world["therapist"].user)
    page = context.new_page()
    page.goto(live_server.url + "/caseload/invite/")
    page.get_by_label("Client's name").focus()
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("not-an-email")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Enter a valid email address" in page.content()
    page.get_by_label("Client's email address").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("kim@example.test")
    page.keyboard.press("Enter")
    page.wait_for_url("**/caseload/")
    assert page.get_by_role("status").inner_text().startswith("Invitation sent to kim@example.test")


def test_client_fills_every_form_and_the_therapist_sees_the_flags(browser, live_server, practice_world):
    client_ctx = browser.new_context(viewport={"width": 390, "height": 844})
    _log_in_with_cookie(client_ctx, live_server, practice_world["clients"][0].membership.user)
    page = client_ctx.new_page()
    page.goto(live_server.url + "/portal/")
    assert page.get_by_text("Fill in “About you”").is_visible()

    page.get_by_role("link", name="About you (intake)").click()
    page.get_by_label("Legal name").fill("Robin Rowe")
    page.get_by_label("Date of birth").fill("1981-02-03")
    page.get_by_label("Your time zone").select_option("Europe/Berlin")
    page.get_by_label("Emergency contact: name").fill("Sam Rowe")
    page.get_by_label("Emergency contact: phone").fill("+49 30 1234")
    page.get_by_label("Body mass", exact=True).fill("58")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/portal/")
    assert "About you (intake): submitted" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Medical screening", exact=True).click()
    page.get_by_label("Liver disease").check()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/portal/")

    page.get_by_role("link", name="Medicines and substances", exact=True).click()
    page.locator("#id_meds-0-name").fill("Paxlovid")
    page.locator("#id_meds-0-dose_text").fill("one pack")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/portal/")

    page.get_by_role("link", name="Psychological screening", exact=True).click()
    page.get_by_label("Has a close family member had psychosis or schizophrenia?").check()
    page.locator("input[name=followup_capacity][value=yes]").check()
    for question in ("cssrs_wish_dead", "cssrs_thoughts", "cssrs_method", "cssrs_intent", "cssrs_plan",
                     "cssrs_behaviour"):
        page.locator(f"input[name={question}][value=no]").check()  # the screener: Yes/No, each answered
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/portal/")
    client_ctx.close()

    therapist_ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    _log_in_with_cookie(therapist_ctx, live_server, practice_world["therapist"].user)
    page = therapist_ctx.new_page()
    page.goto(live_server.url + "/caseload/")
    row = page.get_by_role("row").filter(has_text="Robin Rowe")
    assert "Not eligible" in row.inner_text()
    row.get_by_role("link", name="Not eligible").click()
    assert page.get_by_role("heading", name="Always avoid (1)").is_visible()
    avoid = page.get_by_role("region", name="Always avoid (1)")
    assert "Ritonavir and cobicistat block several enzymes" in avoid.inner_text()
    assert "Paxlovid" in avoid.inner_text()
    assert page.get_by_role("heading", name="Caution (2)").is_visible()  # liver disease, family psychosis
    text = page.locator("main").inner_text()
    assert "Liver disease" in text and "Family history of psychosis" in text
    assert "100 mg (1.72 mg/kg)" in text  # under 60 kg
    assert_page_ok(page, "screening review with flags")
    therapist_ctx.close()


def test_therapist_and_client_co_sign_a_flight_plan_and_the_client_downloads_it(browser, live_server, practice_world):
    therapist_ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    _log_in_with_cookie(therapist_ctx, live_server, practice_world["therapist"].user)
    page = therapist_ctx.new_page()
    robin = practice_world["clients"][0]
    page.goto(f"{live_server.url}/clients/{robin.pk}/flight-plan/")
    page.get_by_role("link", name="Write the plan").click()
    page.get_by_label("Intentions: what the client wants to work on").fill("Make peace with the past")
    page.get_by_label("Who is present (practitioner, sitter, witnesses)").fill("Tamsin and a sitter")
    page.get_by_label("Preferred hospital").fill("City General")
    page.get_by_label("People to notify in a crisis (names and phone numbers)").fill("Sam Rowe +49 30 1234")
    page.get_by_label("How the client gets home (no driving that day)").fill("Sam collects Robin")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(f"**/clients/{robin.pk}/flight-plan/")
    page.get_by_role("button", name="Sign version 1").click()
    page.wait_for_load_state()
    assert "Signed by the therapist; awaiting the client" in page.locator("main").inner_text()
    therapist_ctx.close()

    client_ctx = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    _log_in_with_cookie(client_ctx, live_server, robin.membership.user)
    page = client_ctx.new_page()
    page.goto(live_server.url + "/portal/")
    page.get_by_role("link", name="Read and sign your flight plan (version 1)").click()  # the portal's to-do
    assert "Make peace with the past" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign version 1").click()
    page.wait_for_load_state()
    assert "Final: signed by client and therapist" in page.locator("main").inner_text()
    assert_page_ok(page, "signed flight plan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("flight-plan-")
    client_ctx.close()


def test_medicine_session_from_scheduling_to_signed_note(browser, live_server, practice_world):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from screening.services import version_save
    from sessions.flightplans import services as flightplans

    from .test_sessions_schedule import prepare_client

    robin = practice_world["clients"][0]
    therapist = practice_world["therapist"]
    prepare_client(client=robin, therapist=therapist, admin=practice_world["admin"])
    # A caution (liver disease), and the flight plan signed again after that screening.
    version_save(kind="medical", client=robin, user=robin.membership.user, answers={"liver_disease": True}, submit=True)
    plan = flightplans.plan_save(client=robin, author=therapist.user, content={
        "intentions": "y", "substance_test": "Reagent: MDMA", "recording": "none", "touch_allowed": "",
        "preferred_hospital": "Lakeside General"})
    for signer, role in ((robin.membership.user, flightplans.CLIENT), (therapist.user, flightplans.THERAPIST)):
        flightplans.plan_sign(client=robin, user=signer, role=role, version_id=plan.pk,
                              content_sha256=plan.content_sha256)
    ctx = browser.new_context(viewport={"width": 1024, "height": 1366})  # a tablet
    _log_in_with_cookie(ctx, live_server, practice_world["therapist"].user)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/clients/{robin.pk}/")
    page.get_by_role("link", name="Schedule a session").click()
    page.get_by_label("Kind of session").select_option("medicine")
    tomorrow = (timezone.now().astimezone(ZoneInfo("Europe/Berlin")) + timedelta(days=1)).date()
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Start time (client's time zone)").fill("09:30")
    page.get_by_label("Planned initial dose (mg MDMA HCl)").fill("125")
    page.get_by_label("Planned booster (mg)").fill("62.5")
    page.get_by_role("button", name="Schedule").click()
    # The caution needs its own rationale, written on its own line of the checklist.
    page.get_by_text("each need their own rationale").wait_for()
    assert "Caution without its own rationale yet: Liver disease" in page.locator("main").inner_text()
    assert_page_ok(page, "schedule with a caution to acknowledge")
    page.get_by_label("Your rationale for this caution").fill("Hepatologist: mild, stable; normal enzymes in May.")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url("**/sessions/*/")
    main = page.locator("main").inner_text()
    assert "Readiness checklist, checked now" in main and "Acknowledged with its own rationale" in main
    assert "Information:" in main and "2.68 mg/kg, above 2 mg/kg" in main  # 187.5 mg at 70 kg
    page.get_by_role("button", name="Start the session").click()
    page.wait_for_url("**/live/")  # starting leads straight into the log
    assert "Session started at" in page.locator("main").inner_text()

    assert page.get_by_label("Amount (mg)").input_value() == "125.0"  # prefilled from the plan
    page.get_by_label("Substance batch").fill("B-17")
    page.get_by_label("Test result for this batch").fill("Reagent kit: MDMA")
    page.get_by_role("button", name="Record dose").click()
    page.locator("#log").get_by_text("125.0 mg (batch B-17, test: Reagent kit: MDMA)").wait_for()
    # The booster comes next, prefilled with the same batch: one tap (far too early here, so a warning).
    assert page.get_by_label("Amount (mg)").input_value() == "62.5"
    page.get_by_role("button", name="Record booster: 62.5 mg").click()
    page.get_by_text("outside the 1.5-2.5 h window").wait_for()
    assert "Booster given" in page.locator("#timeline").inner_text()
    page.locator("label[for=tab-water]").click()
    page.get_by_label("Water (ml)").fill("300")
    page.get_by_role("button", name="Record water").click()
    page.get_by_text("300 ml of 500 ml").wait_for()
    page.locator("label[for=tab-vitals]").click()
    page.get_by_label("Temperature (°C)").fill("38.6")
    page.get_by_label("Heart rate (bpm)").fill("96")
    page.get_by_role("button", name="Record vitals").click()
    bar = page.locator("#emergency-bar .emergency-bar")
    bar.wait_for()
    assert "Temperature 38.6" in bar.inner_text() and "Preferred hospital" in bar.inner_text()
    assert_page_ok(page, "live log with an emergency alert")

    page.get_by_role("link", name="Back to the session").click()
    closing = page.locator("section[aria-labelledby=close-h]")
    closing.get_by_label("Medical care (doctor or hospital)").check()  # what became of the emergency sign
    closing.get_by_role("button", name="Close the session as completed").click()
    page.wait_for_load_state()
    assert "Session closed as completed at" in page.locator("main").inner_text()
    from sessions.livelog.models import SessionEvent
    from sessions.models import TherapySession

    assert TherapySession.objects.get(client=robin, kind="medicine").status == "completed"
    assert SessionEvent.objects.get(kind="outcome").code == "medical_care"
    page.get_by_role("link", name="Write the note").click()
    page.get_by_label("Summary").fill("Client: 'I could breathe into the fear.'")
    page.get_by_label("Adverse events").fill("Fever 38.6 C at peak; cooled, settled in 40 minutes.")
    page.get_by_role("button", name="Sign and lock").click()
    page.wait_for_load_state()
    assert "; locked." in page.locator("main").inner_text()
    ctx.close()



def test_on_a_phone_a_fever_pins_the_emergency_bar_where_the_finger_is(browser, live_server, practice_world):
    """Issue 16: at 390x844 with touch, a 39 °C reading shows the bar without scrolling, with call
    links; "medical care" is recorded from the bar; the closed session's log reads in the past tense."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from sessions.models import TherapySession

    from .test_sessions_schedule import prepare_client

    robin, therapist = practice_world["clients"][0], practice_world["therapist"]
    prepare_client(client=robin, therapist=therapist, admin=practice_world["admin"])
    session = TherapySession.objects.create(client=robin, practitioner=therapist, kind="medicine", status="in_progress",
                                            started_at=timezone.now() - timedelta(hours=2),
                                            scheduled_start=timezone.now() - timedelta(hours=2),
                                            planned_initial_mg=Decimal("125"))
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    _log_in_with_cookie(ctx, live_server, therapist.user)
    page = ctx.new_page()
    live = f"{live_server.url}/clients/{robin.pk}/sessions/{session.pk}/live/"
    page.goto(live)
    page.locator("label[for=tab-vitals]").tap()
    page.get_by_label("Temperature (°C)").fill("39")
    page.get_by_label("Heart rate (bpm)").fill("104")
    button = page.get_by_role("button", name="Record vitals")
    button.scroll_into_view_if_needed()
    button.tap()
    result = page.locator("#entry-vitals .entry-result")
    result.get_by_text("Emergency sign: Temperature 39.0").wait_for()  # the answer beside the button
    bar = page.locator("#emergency-bar .emergency-bar")
    box = bar.bounding_box()
    assert box is not None and 0 <= box["y"] < 200, box  # pinned at the top of the screen in hand
    calls = [a.get_attribute("href") for a in bar.locator("a[href^='tel:']").all()]
    assert "tel:911" in calls and "tel:+16234737433" in calls
    assert axe_violations(page) == [], "live log on a phone with the emergency bar"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0

    bar.locator("summary").tap()
    bar.get_by_label("Medical care (doctor or hospital)").check()
    bar.get_by_role("button", name="Save what was done").tap()
    page.locator("#emergency-bar .emergency-bar").wait_for(state="detached")
    page.locator("#log").get_by_text("Emergency sign handled").wait_for()

    page.get_by_role("link", name="Back to the session").tap()
    page.get_by_role("button", name="Close the session as completed").tap()
    page.get_by_text("Session closed as completed at").wait_for()
    page.goto(live)
    text = page.locator("main").inner_text()
    assert "Session ended at" in text and "Emergency signs during this session" in text
    assert "Medical care (doctor or hospital) at" in text and "opens in" not in text and "Record vitals" not in text
    assert axe_violations(page) == [], "a closed session's log"
    ctx.close()



def test_an_entry_made_offline_is_kept_and_sent_once_when_the_connection_returns(browser, live_server,
                                                                                practice_world):
    from datetime import timedelta

    from django.utils import timezone

    from sessions.livelog.models import WaterIntake
    from sessions.models import TherapySession

    robin, therapist = practice_world["clients"][0], practice_world["therapist"]
    session = TherapySession.objects.create(client=robin, practitioner=therapist, kind="medicine", status="in_progress",
                                            started_at=timezone.now() - timedelta(hours=1),
                                            scheduled_start=timezone.now() - timedelta(hours=1))
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    _log_in_with_cookie(ctx, live_server, therapist.user)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/clients/{robin.pk}/sessions/{session.pk}/live/")
    page.locator("label[for=tab-water]").tap()
    ctx.set_offline(True)
    page.get_by_label("Water (ml)").fill("200")
    page.get_by_role("button", name="Record water").tap()
    page.locator("#entry-water .entry-result").get_by_text("kept on this device").wait_for()
    assert page.locator("#offline").is_visible() and "1 entry is kept" in page.locator("#offline").inner_text()
    assert page.get_by_role("heading", name="Crisis plan").is_visible()  # still readable
    # A second copy of the same kept entry (a resend, a double tap) must still record once.
    page.evaluate("""() => { const key = Object.keys(sessionStorage).find(k => k.startsWith('live-queue:'));
                             const q = JSON.parse(sessionStorage.getItem(key)); q.push(q[0]);
                             sessionStorage.setItem(key, JSON.stringify(q)); }""")
    assert WaterIntake.objects.count() == 0
    ctx.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator("#log").get_by_text("200 ml").wait_for(timeout=20000)
    page.wait_for_function("() => !Object.keys(sessionStorage).some(k => JSON.parse(sessionStorage.getItem(k)).length)")
    [water] = WaterIntake.objects.all()
    assert water.millilitres == 200 and timezone.now() - water.at < timedelta(minutes=2)
    ctx.close()



def test_a_day_of_practice_from_search_to_a_prepared_client(browser, live_server, practice_world):
    """Issue 17: the therapist finds a client by a misspelt name and schedules a medicine session;
    the client gets the reminder, opens the preparation list on a phone and ticks items; the
    therapist sees them on the day."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.core import mail
    from django.utils import timezone

    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services
    from sessions.models import SessionReminder
    from sessions.reminders import services as reminders

    from .test_sessions_schedule import prepare_client

    robin, therapist = practice_world["clients"][0], practice_world["therapist"]
    prepare_client(client=robin, therapist=therapist, admin=practice_world["admin"])
    doc = consent_services.template_write(by=practice_world["admin"], kind="contact_email", title="Email", body="Yes.")
    consent_services.consent_sign(client=robin, user=robin.membership.user, version_id=doc.pk,
                                  text_sha256=consent_services.sha256(consent_selectors.render(doc, robin)),
                                  typed_name="Robin Rowe", ip_address=None, user_agent="t")
    staff = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    _log_in_with_cookie(staff, live_server, therapist.user)
    page = staff.new_page()
    # From tomorrow on the calendar: book that day, find the client by a misspelt name, choose the time.
    tomorrow = (timezone.now().astimezone(ZoneInfo("Europe/Berlin")) + timedelta(days=1)).date()
    page.goto(live_server.url + f"/agenda/?span=day&day={tomorrow.isoformat()}")
    page.get_by_role("link", name=f"Book a session on {tomorrow:%A} {tomorrow.day} {tomorrow:%B}").tap()
    search = page.locator("main").get_by_label("Find a client")  # the page's box carries the day
    search.fill("Robn Rwe")
    search.press("Enter")
    page.get_by_text("1 client found").wait_for()
    page.get_by_role("link", name=f"Book on {tomorrow.day} {tomorrow:%B} with Robin Rowe").tap()
    assert page.get_by_label("Date").input_value() == tomorrow.isoformat()  # the day chosen on the calendar
    page.get_by_label("Kind of session").select_option("medicine")
    page.get_by_label("Start time (client's time zone)").fill("09:30")
    page.get_by_label("Planned initial dose (mg MDMA HCl)").fill("125")
    page.get_by_label("Place").fill("Room 2")
    page.get_by_role("button", name="Schedule").tap()
    page.get_by_text("Medicine (MDMA) session scheduled").wait_for()

    SessionReminder.objects.filter(before="day").update(due_at=timezone.now() - timedelta(minutes=1))
    for reminder_id in reminders.claim_due():
        reminders.send(reminder_id)
    link = re.search(r"(/r/[^/\s]+/)", mail.outbox[-1].body).group(1)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    _log_in_with_cookie(phone, live_server, robin.membership.user)
    client_page = phone.new_page()
    client_page.goto(live_server.url + link)
    client_page.wait_for_url("**/portal/**")
    client_page.get_by_role("link", name="Prepare for this session").tap()
    client_page.get_by_label("The substance is tested: Reagent: MDMA").check()
    client_page.get_by_label("A good night's sleep before the session").check()
    client_page.get_by_role("button", name="Save").tap()
    client_page.get_by_text("Saved.").wait_for()
    assert axe_violations(client_page) == [], "the preparation list on a phone"

    page.goto(live_server.url + "/today/")
    assert "Preparation: 2 of" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "the day with a prepared client"
    staff.close()
    phone.close()


def test_client_answers_a_check_in_from_the_emailed_link(browser, live_server, practice_world):

    from django.core import mail

    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services
    from sessions.checkins import services as svc
    from sessions.checkins.models import CheckIn

    robin = practice_world["clients"][0]
    doc = consent_services.template_write(by=practice_world["admin"], kind="contact_email", title="Email contact", body="Yes.")
    consent_services.consent_sign(client=robin, user=robin.membership.user, version_id=doc.pk,
                                  text_sha256=consent_services.sha256(consent_selectors.render(doc, robin)),
                                  typed_name="Robin Rowe", ip_address=None, user_agent="t")
    medicine = f.session(robin, practice_world["therapist"], days=-1, kind="medicine", status="completed")
    CheckIn.objects.create(client=robin, session=medicine, day=1, due_at=medicine.scheduled_start)
    [checkin_id] = svc.claim_due()
    svc.send(checkin_id)
    path = re.search(r"http://testserver(/c/\S+/)", mail.outbox[-1].body).group(1)

    ctx = browser.new_context(viewport={"width": 390, "height": 844})  # not logged in, on a phone
    page = ctx.new_page()
    page.goto(live_server.url + path)
    assert page.get_by_role("heading", level=1).inner_text() == "How are you doing?"
    assert_page_ok(page, "check-in form")
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("radio", name="Poor").check()
    page.get_by_role("radio", name="Much worse").check()
    page.locator("input[name=harm_thoughts][value=no]").check()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "Please reach out for support now" in page.locator("main").inner_text()  # severe worsening
    assert_page_ok(page, "check-in thank-you with crisis contacts")
    ctx.close()


def test_client_rates_the_alliance_on_a_phone_and_the_therapist_sees_the_alert(browser, live_server, practice_world):

    from django.core import mail
    from django.utils import timezone

    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services
    from sessions.surveys import services as svc
    from sessions.surveys.models import SurveyRequest

    robin = practice_world["clients"][0]
    therapist = practice_world["therapist"]
    doc = consent_services.template_write(by=practice_world["admin"], kind="contact_email", title="Email contact", body="Yes.")
    consent_services.consent_sign(client=robin, user=robin.membership.user, version_id=doc.pk,
                                  text_sha256=consent_services.sha256(consent_selectors.render(doc, robin)),
                                  typed_name="Robin Rowe", ip_address=None, user_agent="t")
    # An earlier, good rating, so the new one is a drop.
    earlier = SurveyRequest.objects.create(client=robin, practitioner=therapist, slot="earlier", state="sent",
                                           due_at=timezone.now(), sent_at=timezone.now())
    svc.response_save(request=earlier, raw_answers={n: (1 if n % 4 == 0 else 5) for n in range(1, 17)})
    f.session(robin, therapist, days=-3, kind="medicine", status="completed")
    SurveyRequest.objects.create(client=robin, practitioner=therapist, slot="now", due_at=timezone.now())
    [request_id] = svc.claim_due()
    svc.send(request_id)
    path = re.search(r"http://testserver(/s/\S+/)", mail.outbox[-1].body).group(1)

    ctx = browser.new_context(viewport={"width": 390, "height": 844})  # not logged in, on a phone
    page = ctx.new_page()
    page.goto(live_server.url + path)
    assert "Tamsin Thera" in page.get_by_role("heading", level=1).inner_text()
    assert_page_ok(page, "alliance survey")
    page.get_by_role("button", name="Send my answers").click()  # nothing answered yet
    assert page.get_by_role("alert").count() >= 1 and "Please answer question 1." in page.content()
    # Keyboard only: from the first answer of question 1, the arrow key picks the next answer
    # and Tab moves on to the next question, then to the button.
    page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio", name="Seldom").focus()
    for n in range(1, 17):
        page.keyboard.press("ArrowRight")  # Seldom -> Sometimes
        group = page.get_by_role("group", name=re.compile(rf"^{n}\. "))
        assert group.get_by_role("radio", name="Sometimes").is_checked(), n
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Send my answers"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you").wait_for()
    assert_page_ok(page, "survey thank-you")
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    _log_in_with_cookie(ctx, live_server, therapist.user)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/clients/{robin.pk}/")
    section = page.get_by_role("region", name="Alliance (BR-WAI)")
    assert "Drop from the previous rating" in section.inner_text()
    assert section.get_by_role("img", name="Alliance ratings of Tamsin Thera over time").count() == 1
    assert section.get_by_role("table").count() == 1  # the same figures without the chart
    assert_page_ok(page, "client page with alliance")
    section.get_by_label("Note (optional)").first.fill("Discussed in session.")
    section.get_by_role("button", name=re.compile("^Acknowledge")).first.click()
    page.get_by_text("Alliance alert acknowledged.").wait_for()
    page.goto(f"{live_server.url}/caseload/")
    assert "down" in page.get_by_role("row", name=re.compile("Robin Rowe")).inner_text() or \
        "↓" in page.get_by_role("row", name=re.compile("Robin Rowe")).inner_text()
    ctx.close()


def test_client_raises_a_concern_and_the_supervisor_reviews_it(browser, live_server, practice_world):

    from practice.accountability.concerns.models import Concern

    robin = practice_world["clients"][0]
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    _log_in_with_cookie(ctx, live_server, robin.membership.user)
    page = ctx.new_page()
    page.goto(live_server.url + "/portal/")
    page.get_by_role("link", name="Raise a concern").first.click()
    page.get_by_role("heading", name="Raise a concern about your care").wait_for()
    assert "not to the practitioner" in page.locator("main").inner_text()
    page.get_by_label("Which practitioner is it about?").select_option(label="Tamsin Thera")
    page.get_by_role("radio", name=re.compile("^Boundaries")).check()
    page.get_by_label("What happened?").fill("She suggested we meet socially after the session.")
    page.get_by_role("button", name="Send my concern").click()
    page.get_by_role("heading", name="Your concern about Tamsin Thera").wait_for()
    assert "Received" in page.locator("main").inner_text()
    assert_page_ok(page, "the client's concern")
    ctx.close()
    concern = Concern.objects.get()

    # The practitioner does not see it.
    ctx = browser.new_context()
    _log_in_with_cookie(ctx, live_server, practice_world["therapist"].user)
    page = ctx.new_page()
    assert page.goto(f"{live_server.url}/accountability/concerns/{concern.pk}/").status == 404
    ctx.close()

    # The supervisor reads it from the review page and records a decision by keyboard.
    ctx = browser.new_context()
    _log_in_with_cookie(ctx, live_server, practice_world["supervisor"].user)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/supervision/{practice_world['therapist'].pk}/review/")
    page.get_by_role("link", name=re.compile("^Boundaries")).click()
    assert "meet socially after the session" in page.locator("main").inner_text()
    page.get_by_label("Note for the reviewers (the client does not see it)").fill(
        "Spoke with the therapist; boundary restated.")
    page.get_by_label("Reply to the client").fill("Thank you for telling us. We are looking into it.")
    page.get_by_label("Status").select_option("in_review")
    page.get_by_role("button", name="Save to the record").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Saved to the concern's record.").wait_for()
    assert "Spoke with the therapist" in page.locator("main").inner_text()
    assert_page_ok(page, "the supervisor's view of a concern")
    ctx.close()

    ctx = browser.new_context()
    _log_in_with_cookie(ctx, live_server, robin.membership.user)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/portal/concerns/{concern.pk}/")
    text = page.locator("main").inner_text()
    assert "Being reviewed" in text and "Spoke with the therapist" not in text
    assert "We are looking into it." in text  # the reply, in the portal
    ctx.close()


def test_on_a_phone_the_menu_folds_and_records_print_without_the_application(browser, live_server, practice_world):
    """Issue 18: the phone header is short (one Menu button); the flight plan prints alone."""
    from sessions.flightplans import services as flightplans

    robin = practice_world["clients"][0]
    flightplans.plan_save(client=robin, author=practice_world["therapist"].user, content={"intentions": "Rest well"})
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    _log_in_with_cookie(ctx, live_server, robin.membership.user)
    page = ctx.new_page()
    page.goto(live_server.url + "/portal/")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 844 / 5, header  # was a third of the screen with eight wrapped links
    assert not page.get_by_role("link", name="My records", exact=True).is_visible()
    page.get_by_text("Menu", exact=True).tap()
    page.get_by_role("link", name="My records", exact=True).tap()
    page.wait_for_url("**/portal/records/")
    assert axe_violations(page) == []

    page.goto(live_server.url + "/portal/flight-plan/")
    page.emulate_media(media="print")
    assert page.get_by_role("heading", level=1).is_visible() and "Rest well" in page.locator("main").inner_text()
    for hidden in ("header.site-header", "footer.site-footer", "main form"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    ctx.close()


def test_a_new_clients_time_zone_starts_as_their_browsers(browser, live_server, practice_world):
    """Issue 18: not Africa/Abidjan (the first of 600) nor UTC: the browser's zone, else the practice's."""
    from clients.invitations.services import invitation_create

    pending = invitation_create(inviter=practice_world["therapist"], email="tokyo@example.test", role="client")
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Tokyo")
    page = ctx.new_page()
    page.goto(live_server.url + f"/invite/{pending.token}/")
    assert page.get_by_label("Your time zone").input_value() == "Asia/Tokyo"
    ctx.close()


def test_a_supervisor_co_signs_from_their_queue_and_the_record_has_parts_to_jump_to(browser, live_server,
                                                                                   practice_world):
    """Issue 18: the co-sign queue empties as notes are co-signed; the record's parts are links."""
    from datetime import timedelta

    from django.utils import timezone

    from sessions.models import TherapySession
    from sessions.notes.services import note_save

    robin, therapist = practice_world["clients"][0], practice_world["therapist"]
    session = TherapySession.objects.create(client=robin, practitioner=therapist, kind="therapy", status="completed",
                                            scheduled_start=timezone.now() - timedelta(days=1),
                                            ended_at=timezone.now() - timedelta(hours=23))
    note_save(session=session, author=therapist, content={"summary": "Worked on sleep."}, sign=True)
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    _log_in_with_cookie(ctx, live_server, practice_world["supervisor"].user)
    page = ctx.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_url("**/today/")
    page.get_by_role("link", name=re.compile("^Note to co-sign")).click()
    page.wait_for_url("**#note-h")
    page.get_by_label("Comment (optional)").fill("Discussed in supervision.")
    page.get_by_role("button", name="Co-sign this note").click()
    page.get_by_text("Co-signed by Silas Super").wait_for()
    assert page.get_by_role("button", name="Co-sign this note").count() == 0  # gone once done
    page.goto(live_server.url + "/today/")
    assert "Note to co-sign" not in page.locator("main").inner_text()
    assert axe_violations(page) == []
    ctx.close()

    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    _log_in_with_cookie(ctx, live_server, therapist.user)
    page = ctx.new_page()
    page.goto(live_server.url + f"/clients/{robin.pk}/")
    parts = page.get_by_role("navigation", name="Parts of the record")
    parts.get_by_role("link", name="Screening").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#scr-h")
    assert page.get_by_role("heading", name="Screening", exact=True).is_visible()
    assert axe_violations(page) == []
    ctx.close()


def test_a_supervisor_reads_the_report_on_a_phone(browser, live_server, practice_world, csp_violations):
    """Issue 20: the report at phone width, a chart's numbers readable, the same figures in a table."""
    from decimal import Decimal

    from sessions.livelog.models import DoseGiven, SessionEvent

    therapist, robin = practice_world["therapist"], practice_world["clients"][0]
    session = f.session(robin, therapist, days=-1, kind="medicine", status="completed")
    DoseGiven.objects.create(session=session, at=session.scheduled_start, recorded_by=therapist, which="initial",
                             amount_mg=Decimal("120"), batch="B1", test_result="ok")
    for severity in ("mild", "medical_care"):
        SessionEvent.objects.create(session=session, at=session.scheduled_start, recorded_by=therapist, kind="adverse",
                                    code="nausea", severity=severity)
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    _log_in_with_cookie(phone, live_server, practice_world["supervisor"].user)
    page = phone.new_page()
    page.goto(live_server.url + "/today/")
    page.get_by_text("Menu", exact=True).click()  # the phone's menu
    page.locator(".nav-phone").get_by_role("link", name="Reports").click()
    page.wait_for_url("**/accountability/reports/")
    chart = page.get_by_role("img", name="Adverse effects logged, by effect")
    assert chart.is_visible() and "Nausea" in chart.inner_html() and ">2</text>" in chart.inner_html()
    row = page.get_by_role("row", name=re.compile("^Nausea"))
    assert row.get_by_role("cell").all_inner_texts() == ["1", "1", "0", "0", "2"]
    assert_page_ok(page, "reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as CSV").click()
    figures = Path(download.value.path()).read_text()
    assert figures.startswith("Section,Measure,Category,Value") and "Adverse effect: Nausea,Total,fewer than 11" in figures
    assert "Robin" not in figures and "Rowe" not in figures
    page.get_by_label("From").fill("2026-05-02")
    page.get_by_label("To (inclusive)").fill("2026-05-01")
    page.get_by_role("button", name="Show the report").click()
    assert "ends before it starts" in page.content()
    assert_page_ok(page, "reports, bad period")
    assert csp_violations == []
