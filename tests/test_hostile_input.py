"""Hostile input on every form: random, oversized, wrong-type, unicode-edge and script-bearing
values, posted as every role to every URL. Never a 500; a refused submission changes nothing
(the audit trail, which records every write to every clinical table, must not grow); nothing
is echoed unescaped; every POST needs its CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practice.audit import AuditEvent

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

    from sessions import survey_service
    from sessions.surveys import SurveyRequest

    request = SurveyRequest.objects.create(client=world.client, practitioner=world.therapist, slot="c", state="sent",
                                           due_at=timezone.now(), sent_at=timezone.now())
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/s/{survey_service.link_token(request)}/", {"q1": "3"}).status_code == 403


def test_html_in_names_never_reaches_emails_or_pdfs_as_markup(world):
    from django.core import mail

    from clients import consents
    from clients.pdf import consent_pdf
    from sessions import survey_service
    from sessions.surveys import SurveyRequest

    user = world.client.membership.user
    user.full_name = "<b>Bold</b> Cora"
    user.save(update_fields=["full_name"])
    doc = consents.template_write(by=world.admin, kind="contact_email", title="<i>Email</i>", body="<img src=x>")
    sig = consents.consent_sign(client=world.client, user=user, version_id=doc.pk,
                                text_sha256=consents.sha256(consents.render(doc, world.client)),
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
