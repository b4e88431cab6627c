"""Hostile input on every form: random, oversized, wrong-type, unicode-edge and script-bearing
values, posted as every role to every URL. Never a 500; a refused submission changes nothing
(the audit trail, which records every write to every clinical table, must not grow); nothing
is echoed unescaped; every POST needs its CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practice.audit.models import AuditEvent

from .conftest import ROLES
from .test_access_matrix import GET_EXPECTATIONS, url_for  # noqa: F401 (fixture)

SCRIPT = "<script>alert('x')</script>"
NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20),
    st.sampled_from([SCRIPT, "\x00", "\u202e\u200b", "💊" * 50, "a" * 20000, "-1", "1e309", "NaN", "0x10",
                     "2026-02-30", "99999999999999999999", "' OR 1=1 --", "../../etc/passwd", "true", " ", ""]),
    st.integers().map(str),
)
NAME = re.compile(r'name="([^"]+)"')
SKIP = {"csrfmiddlewaretoken"}


def form_fields(client: Client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    return sorted({n for n in NAME.findall(response.content.decode()) if n not in SKIP})


def post_targets(role: str) -> list[str]:
    """URL names this role may POST to (GET shows a form, or GET is refused as 405)."""
    return [name for name, statuses in GET_EXPECTATIONS.items()
            if statuses[role] in (200, 405) and not name.startswith("admin:") and name not in ("healthz",)]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"] + ["anonymous"])
def test_random_posts_never_500_and_refusals_change_nothing(as_role, url_for, role):  # noqa: F811
    c = as_role(role)
    c.raise_request_exception = False
    targets = [(name, url_for(name)) for name in post_targets(role)]
    fields = {name: form_fields(c, url) for name, url in targets}
    if role not in ("anonymous", "outsider"):
        assert sum(1 for f in fields.values() if f) >= 2, "the fuzzer found no forms to fill"

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.data())
    def fuzz(data):
        for name, url in targets:
            keys = fields[name] + data.draw(st.lists(st.text(min_size=1, max_size=8), max_size=2))
            payload = {k: data.draw(NASTY) for k in keys}
            before = AuditEvent.objects.count()
            response = c.post(url, payload)
            assert response.status_code < 500, (role, name, payload)
            if 400 <= response.status_code < 500:
                assert AuditEvent.objects.count() == before, (role, name, "a refused post wrote something")
            body = response.content.decode(errors="replace")
            assert SCRIPT not in body, (role, name, "echoed unescaped")

    fuzz()


@pytest.mark.parametrize("role", ["therapist", "supervisor", "admin", "client"])
def test_every_post_needs_the_csrf_token(as_role, world, url_for, role):  # noqa: F811
    c = as_role(role)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = c.cookies
    for name in post_targets(role):
        response = strict.post(url_for(name), {})
        assert response.status_code == 403, (role, name)


def test_link_forms_need_the_csrf_token_too(world):
    from django.utils import timezone

    from sessions.surveys import emails as survey_emails
    from sessions.surveys.models import SurveyRequest

    request = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="c", state="sent",
                                           due_at=timezone.now(), sent_at=timezone.now())
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/s/{survey_emails.link_token(request)}/", {"q1": "3"}).status_code == 403


def test_html_in_names_never_reaches_emails_or_pdfs_as_markup(world):
    from django.core import mail

    from clients.consent import selectors as consent_selectors
    from clients.consent import services as consent_services
    from clients.consent.pdf import consent_pdf
    from sessions.surveys import services as survey_service
    from sessions.surveys.models import SurveyRequest

    user = world.client.membership.user
    user.full_name = "<b>Bold</b> Cora"
    user.save(update_fields=["full_name"])
    doc = consent_services.template_write(by=world.admin, kind="contact_email", title="<i>Email</i>", body="<img src=x>")
    sig = consent_services.consent_sign(client=world.client, user=user, version_id=doc.pk,
                                        text_sha256=consent_services.sha256(consent_selectors.render(doc, world.client)),
                                        typed_name="<b>Bold</b> Cora", ip_address=None, user_agent="t")
    pdf = consent_pdf(sig)
    assert pdf.startswith(b"%PDF") and b"<img" not in pdf  # drawn as text, compressed; never interpreted
    SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="h",
                                 due_at=timezone.now() - timedelta(minutes=1))
    [request_id] = survey_service.claim_due()
    survey_service.send(request_id)
    html = mail.outbox[-1].alternatives[0][0]
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html


def test_oversized_bodies_are_refused_cleanly(as_role, world):
    c = as_role("client")
    c.raise_request_exception = False
    response = c.post(reverse("portal_concerns"), {"about": "x", "category": "other", "text": "z" * 3_000_000})
    assert response.status_code in (400, 413)


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field: a value the page offers})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append((a.get("action") or "", {}))
        if not self.forms or not a.get("name") or a["name"] in SKIP:
            if tag == "option" and self._select and self._select not in self.forms[-1][1]:
                self.forms[-1][1][self._select] = a.get("value", "")
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and a["name"] in fields and "checked" not in a:
                return
            fields[a["name"]] = a.get("value", "on" if a.get("type") in ("checkbox", "radio") else "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data


HOSTILE = ["nul\x00byte", "\x00", "not-an-id", "99999999999999999999"]


@pytest.mark.parametrize("role", ["therapist", "supervisor", "admin", "client"])
def test_nul_bytes_and_malformed_ids_in_every_field_of_every_form(as_role, url_for, role):  # noqa: F811
    """Each field of each form the role is shown, one at a time, with the others as the page
    offers them: a NUL byte or a value that is not an id gives a message, never a 500."""
    c = as_role(role)
    c.raise_request_exception = False
    forms = {}
    for name, statuses in GET_EXPECTATIONS.items():
        if statuses[role] != 200 or name.startswith("admin:"):
            continue
        page = url_for(name)
        response = c.get(page)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for action, fields in parser.forms:
            forms.setdefault((action or page, tuple(sorted(fields))), fields)
    assert len(forms) >= 3, "found too few forms to try"
    for (action, _), fields in forms.items():
        if action.startswith("/accounts/"):
            continue  # allauth's own forms (sign-out) are not ours to fuzz
        for field in fields:
            for value in HOSTILE:
                before = AuditEvent.objects.count()
                response = c.post(action, {**fields, field: value})
                assert response.status_code < 500, (role, action, field, value)
                if 400 <= response.status_code < 500:
                    assert AuditEvent.objects.count() == before, (role, action, field, "a refused post wrote")
