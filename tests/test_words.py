"""No code names on screen (issue 18, part 1): people read labels, not `psychosis_history`,
`True` or `TherapySession`.

The demo practice is seeded (it has screening flags, plans, sessions, check-ins, concerns and
an audit trail), then every role follows every link it is shown, breadth first, and each page's
visible text (text, and the labels a screen reader reads out) is scanned.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from practice.models import User

from .wordscan import VisibleText, code_names, emails_in_words, visible_code_names

SKIP_PATHS = ("/accounts/logout/", "/django-admin/", "/static/", "/media/")
PER_VIEW = 8  # pages of one kind (URL name) visited per role: every demo client
MOST_PAGES = 800


def test_the_scanner_catches_what_it_must_and_leaves_words_alone():
    assert code_names("Flag: psychosis_history. Capacity: False. See TherapySession, a medicine (mdma) one.") == {
        "psychosis_history", "False", "TherapySession", "mdma"}
    assert code_names("Write to dana_r@demo.example or /clients/ab_cd/; Untrue; "
                      "MDMA, SSRIs and C-SSRS; SimplePractice") == set()


def test_the_email_check_fails_on_a_code_name_in_any_part():
    from django.core.mail import EmailMultiAlternatives

    fine = EmailMultiAlternatives("Your reminder", "See you on Monday.", to=["a@example.test"])
    fine.attach_alternative("<p>See you on <b>Monday</b>.</p>", "text/html")
    emails_in_words([fine])
    for subject, body, html in [("x_y", "b", "<p>c</p>"), ("a", "True", "<p>c</p>"), ("a", "b", "<p>MedicalScreening</p>")]:
        bad = EmailMultiAlternatives(subject, body, to=["a@example.test"])
        bad.attach_alternative(html, "text/html")
        with pytest.raises(AssertionError):
            emails_in_words([bad])


def crawl(client: Client, start: list[str]) -> dict[str, set[str]]:
    """{path: code names on it} for every page reached from `start`."""
    seen_views: Counter = Counter()
    queue, visited, found = deque(start), set(), {}
    while queue and len(visited) < MOST_PAGES:
        path = urldefrag(queue.popleft())[0]
        if path in visited or path.startswith(SKIP_PATHS):
            continue
        try:
            view = resolve(urlsplit(path).path).url_name
        except Resolver404:
            continue
        if seen_views[view] >= PER_VIEW:
            continue
        seen_views[view] += 1
        visited.add(path)
        response = client.get(path)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            continue
        names = visible_code_names(response)  # pages, and the PDFs and CSVs they link to
        if names:
            found[path] = names
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = VisibleText()
        page.feed(response.content.decode())
        for href in page.links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(href)
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("email", ["dana@demo.example", "morgan@demo.example", "admin@demo.example",
                                   "client3@demo.example", "client4@demo.example", "client5@demo.example"])
def test_no_page_shows_a_code_name(demo, email):
    client = Client()
    client.force_login(User.objects.get(email=email))
    found = crawl(client, ["/"])
    assert found == {}, "\n".join(f"{path}: {sorted(names)}" for path, names in sorted(found.items()))


# The audit log in sentences (issue 18, part 4).

def test_every_audited_table_and_its_fields_have_names_in_words():
    from django.apps import apps

    from practice.accountability.auditlog import words
    from practice.audit.triggers import AUDITED

    assert set(AUDITED) <= set(words.RECORDS), set(AUDITED) - set(words.RECORDS)
    for table in AUDITED:
        model = next(m for m in apps.get_models() if m._meta.db_table == table)
        names = [f.attname for f in model._meta.concrete_fields]
        assert not code_names(" ".join(words.field_words(table, names))), table
        assert not code_names(words.RECORDS[table])


class Row:
    def __init__(self, table, operation, old=None, new=None):
        from practice.audit.models import AuditEvent

        self.table_name, self.operation, self.old, self.new = table, operation, old, new
        self.changed_fields = AuditEvent(old=old, new=new).changed_fields


@pytest.mark.parametrize(("row", "client", "with_session", "sentence"), [
    (Row("therapy_sessions_notecosignature", "insert", new={"note_id": 1}), "Casey Novak", True,
     "Morgan Lee co-signed the note of Casey Novak's medicine (MDMA) session of 27 Nov 2026"),
    (Row("therapy_sessions_sessionnote", "update", old={"signed_at": None}, new={"signed_at": "2026-11-27T10:00"}),
     "Casey Novak", True, "Morgan Lee signed the session note of Casey Novak's medicine (MDMA) session of 27 Nov 2026"),
    (Row("clients_client", "update", old={"stage": "screening"}, new={"stage": "preparation"}), "Casey Novak", False,
     "Morgan Lee changed the client record of Casey Novak"),
    (Row("clients_intakeversion", "insert", new={"client_id": 1}), "Casey Novak", False,
     "Morgan Lee added an intake form of Casey Novak"),
    (Row("practice_concern", "insert", new={}), "Morgan Lee", False, "Morgan Lee raised a concern"),
    (Row("practice_supervisionlink", "delete", old={}), None, False, "Morgan Lee removed the supervision link"),
])
def test_a_change_reads_as_a_sentence(row, client, with_session, sentence):
    from datetime import datetime

    from practice.accountability.auditlog import words
    from sessions.scheduling.models import TherapySession

    session = TherapySession(kind="medicine", scheduled_start=datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("UTC"))) \
        if with_session else None
    assert words.change_sentence(row, "Morgan Lee", client, session) == sentence


def test_the_log_is_read_a_page_at_a_time_in_sentences(world):
    from practice.audit.models import AccessEvent

    AccessEvent.objects.bulk_create(AccessEvent(practice_id=world.practice.pk, actor=world.therapist.user,
                                                role="therapist", clients=[world.client.pk], view="client_detail",
                                                path="/") for _ in range(120))
    admin = Client()
    admin.force_login(world.admin.user)
    first = admin.get(reverse("audit_log"), {"log": "access"}).content.decode()
    assert first.count("Tess Therapist opened the record of Cora Client.") == 50 and 'rel="next"' in first
    last = admin.get(reverse("audit_log"), {"log": "access", "page": "3"}).content.decode()
    # 121 rows by now: reading the log is itself logged (the newest row, on page 1)
    assert last.count("opened the record of") == 21 and "page=2" in last and 'rel="next"' not in last
    newest = admin.get(reverse("audit_log"), {"log": "access"}).content.decode()
    assert "Ada Admin read the audit log about Cora Client." in newest
    odd = admin.get(reverse("audit_log"), {"log": "access", "page": "x" * 500})
    assert odd.status_code == 200 and "Page 1<" in odd.content.decode()


def test_a_client_sees_who_viewed_their_record_with_repeats_counted(world):
    therapist = Client()
    therapist.force_login(world.therapist.user)
    for _ in range(4):
        therapist.get(reverse("client_detail", args=[world.client.pk]))
    therapist.get(reverse("caseload"))
    me = Client()
    me.force_login(world.client.membership.user)
    page = me.get(reverse("my_records")).content.decode()
    assert page.count("<strong>Tess Therapist</strong> (Therapist) opened your record: 4 times, first") == 1
    assert "<strong>Tess Therapist</strong> (Therapist) saw your name in a list" in page
    assert not code_names(re.sub(r"<[^>]+>", " ", page))
