"""The state program report (issue 20, parts 3-5): the client's optional demographic form,
the quarterly aggregates over clients who did not opt out, small counts suppressed, the CSV
without names, ids or free text, and every read and export in the access log."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.demographics import programs
from clients.demographics.models import DemographicAnswers
from clients.demographics.services import answers_save
from practice.accountability.reports import rules
from practice.audit.models import AccessEvent

from . import factories as f

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def login(member) -> Client:
    c = Client()
    c.force_login(member.user)
    return c


@pytest.mark.parametrize("count, shown", [(0, "fewer than 11"), (1, "fewer than 11"), (10, "fewer than 11"),
                                          (11, "11"), (12, "12")])
def test_small_counts_are_suppressed(count, shown):
    assert rules.suppressed(count, 11) == shown


@pytest.mark.parametrize("value, group, shown", [(2.5, 10, "not shown (fewer than 11)"), (2.5, 11, "2.5"),
                                                 (None, 20, "not shown (fewer than 11)"), (120.04, 30, "120.0")])
def test_averages_of_small_groups_are_not_shown(value, group, shown):
    assert rules.average_shown(value, group, 11) == shown


@pytest.mark.parametrize("text, start", [("2026-Q1", "2026-01-01"), ("2026-Q4", "2026-10-01"), ("2026-Q5", None),
                                         ("26-Q1", None), ("2026-q1", None), ("", None)])
def test_quarter_from_text(text, start):
    period = rules.quarter_from(text)
    assert (period.start.isoformat() if period else None) == start


def test_every_program_definition_offers_prefer_not_to_say_on_every_item():
    for d in programs.programs():
        assert d["explanation"] and d["recipient"] and d["due_days_after_quarter"] > 0
        for item in d["items"]:
            assert "Prefer not to say" in [o["label"] for o in item["options"]], item["key"]
    with pytest.raises(KeyError):
        programs.definition("../../etc/passwd")


# --- the client's form --------------------------------------------------------------------

def test_the_client_answers_changes_and_opts_out_each_a_new_version(world):
    me = login(world.client.membership)
    url = reverse("portal_demographics", kwargs={"program": "oregon"})
    page = me.get(url).content.decode()
    assert "Oregon Health Authority" in page and "Leave me out of the state report" in page and "Prefer not to say" in page
    assert me.post(url, {"item_race": ["asian", "white"], "item_veteran": "no"}).status_code == 302
    first = DemographicAnswers.objects.get()
    assert first.answers == {"race": ["asian", "white"], "veteran": "no"} and not first.opted_out
    assert "answered; you can change your answers" in me.get(reverse("portal")).content.decode()
    assert me.post(url, {"item_veteran": "prefer_not", "opted_out": "on"}).status_code == 302
    latest = DemographicAnswers.objects.first()
    assert (latest.number, latest.opted_out, latest.answers) == (2, True, {"veteran": "prefer_not"})
    assert DemographicAnswers.objects.count() == 2  # the first answers are kept
    with pytest.raises(IntegrityError), transaction.atomic():
        DemographicAnswers.objects.filter(pk=first.pk).update(opted_out=True)


@pytest.mark.parametrize("bad", [{"item_veteran": "maybe"}, {"item_race": ["martian"]}])
def test_an_answer_the_form_does_not_offer_is_refused_and_nothing_saved(world, bad):
    response = login(world.client.membership).post(reverse("portal_demographics", kwargs={"program": "oregon"}), bad)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not DemographicAnswers.objects.exists()


def test_an_unknown_program_is_not_found(world):
    assert login(world.client.membership).get(reverse("portal_demographics", kwargs={"program": "nevada"})
                                              ).status_code == 404


# --- the report ----------------------------------------------------------------------------

def served(world, n, gender, *, opted_out=False):
    """n clients with a completed session yesterday who answered `gender`."""
    oregon = programs.current("oregon")
    for i in range(n):
        c = f.client(world.practice, world.therapist, full_name=f"Quincy Zed {gender} {i}")
        f.session(c, world.therapist, days=-1, status="completed")
        answers_save(client=c, by=c.membership.user, definition=oregon, answers={"gender_identity": gender},
                     opted_out=opted_out)


def this_quarter() -> str:
    return rules.quarter_key(rules.quarter_of(timezone.localdate(timezone.now() - timedelta(days=1))))


def rows_of(csv_text: str) -> dict:
    return {(r["Measure"], r["Category"]): r["Value"] for r in csv.DictReader(io.StringIO(csv_text))}


def test_the_report_counts_1_10_11_and_12_clients_with_small_cells_suppressed(world):
    served(world, 1, "woman")
    served(world, 10, "man")
    served(world, 11, "non_binary")
    served(world, 12, "another_identity")
    served(world, 1, "non_binary", opted_out=True)  # left out: non-binary stays 11
    admin = login(world.admin)
    url = reverse("state_report")
    response = admin.get(url, {"program": "oregon", "quarter": this_quarter(), "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    got = rows_of(text)
    gender = "Gender identity"
    assert got[(gender, "Woman")] == "fewer than 11" and got[(gender, "Man")] == "fewer than 11"
    assert got[(gender, "Non-binary")] == "11" and got[(gender, "Another identity")] == "12"
    assert got[(gender, "Not answered")] == "fewer than 11"  # Cora has no answers and no session: not served
    assert got[("Clients served (a completed session in the quarter)", "")] == "34"
    assert got[("Average administration sessions per client", "")] == "not shown (fewer than 11)"
    assert got[("Age at the end of the quarter", "Not known")] == "34"
    # No names, ids or free text: only the definition's and the rules' words, and numbers.
    assert "Quincy" not in text and "Cora" not in text and not UUID.search(text)
    export = AccessEvent.objects.get(kind="export")
    assert export.view == "state_report" and export.clients == []


def test_the_page_shows_the_same_figures_and_its_due_date_and_is_logged(world):
    served(world, 12, "woman")
    page = login(world.admin).get(reverse("state_report"), {"program": "oregon", "quarter": this_quarter()})
    body = page.content.decode()
    assert page.status_code == 200 and "Oregon quarterly data report" in body and "Download this report as CSV" in body
    period = rules.quarter_from(this_quarter())
    assert f"{period.end + timedelta(days=15):%-d %b %Y}" in body
    assert AccessEvent.objects.filter(kind="report", view="state_report", clients=[]).count() == 1


def test_raising_the_threshold_suppresses_more(world):
    from screening.services import policy_update

    served(world, 12, "woman")
    policy_update(by=world.admin, values={"small_cell_threshold": 20}, reason="Our state asks for 20.")
    got = rows_of(login(world.admin).get(reverse("state_report"), {"quarter": this_quarter(), "format": "csv"}
                                         ).content.decode())
    assert got[("Gender identity", "Woman")] == "fewer than 20"


@pytest.mark.parametrize("query, message", [({"quarter": "2026-Q5"}, "Choose one of the quarters listed."),
                                            ({"quarter": "1999-Q1"}, "Choose one of the quarters listed."),
                                            ({"program": "nevada"}, "Choose a program from the list.")])
def test_bad_choices_get_a_message_and_no_figures(world, query, message):
    response = login(world.admin).get(reverse("state_report"), {**query, "format": "csv"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not AccessEvent.objects.filter(view="state_report").exists()


def test_only_admins_file_it_and_the_bare_page_is_the_last_whole_quarter(world):
    assert login(world.supervisor).get(reverse("state_report")).status_code == 403
    assert login(world.therapist).get(reverse("state_report")).status_code == 403
    page = login(world.admin).get(reverse("state_report")).content.decode()
    last = rules.recent_quarters(timezone.localdate())[1]
    assert f'value="{rules.quarter_key(last)}" selected' in page


def test_the_report_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    served(world, 2, "woman")
    admin = login(world.admin)
    query = {"quarter": this_quarter(), "format": "csv"}
    admin.get(reverse("state_report"), query)
    with CaptureQueriesContext(connection) as few:
        admin.get(reverse("state_report"), query)
    served(world, 15, "man")
    with django_assert_max_num_queries(len(few.captured_queries)):
        got = rows_of(admin.get(reverse("state_report"), query).content.decode())
    assert got[("Gender identity", "Man")] == "15"


@pytest.mark.parametrize("counts, shown", [
    ([12, 11, 0, 0], ["12", "11", "fewer than 11", "fewer than 11"]),  # two small cells: neither can be worked out
    ([3, 40, 12, 15], ["fewer than 11", "40", rules.HIDDEN_TO_PROTECT, "15"]),  # one: the next smallest goes too
    ([40, 11, 12, 3], ["40", rules.HIDDEN_TO_PROTECT, "12", "fewer than 11"]),
    ([5, 4], ["fewer than 11", "fewer than 11"]),  # the total itself is small
    ([20, 30], ["20", "30"]),
])
def test_a_lone_small_cell_takes_its_nearest_neighbour_with_it(counts, shown):
    assert rules.suppressed_group(counts, 11) == shown


def test_the_report_never_leaves_a_lone_small_cell_to_be_worked_out(world):
    """Veterans: 3 yes, 11 no, 12 prefer not to say, 11 served without answers. The 3 is the only
    small cell: without a second suppression it would be 37 - 11 - 12 - 11."""
    oregon = programs.current("oregon")
    for n, answer in ((3, "yes"), (11, "no"), (12, "prefer_not"), (11, None)):
        for i in range(n):
            c = f.client(world.practice, world.therapist, full_name=f"Vet {answer} {i}")
            f.session(c, world.therapist, days=-1, status="completed")
            if answer:
                answers_save(client=c, by=c.membership.user, definition=oregon, answers={"veteran": answer},
                             opted_out=False)
    got = rows_of(login(world.admin).get(reverse("state_report"), {"quarter": this_quarter(), "format": "csv"}
                                         ).content.decode())
    veteran = "Have you served in the armed forces (a veteran)?"
    assert got[("Clients served (a completed session in the quarter)", "")] == "37"
    assert got[(veteran, "Yes")] == "fewer than 11" and got[(veteran, "No")] == rules.HIDDEN_TO_PROTECT
    assert got[(veteran, "Prefer not to say")] == "12" and got[(veteran, "Not answered")] == "11"
    # Race (several answers each) is not a split of the total: its cells stand as they are.
    assert got[("Race (choose all that apply)", "Not answered")] == "37"


def test_the_oregon_report_has_exactly_the_fields_the_rules_list():
    """ORS 475A.372 / OAR 333-333-4910, as issue 20 lists them: no more, no fewer."""
    oregon = programs.current("oregon")
    assert [a["key"] for a in oregon["activity"]] == [
        "clients_served", "individual_sessions", "group_sessions", "denied", "denied_reasons", "adverse_reactions",
        "average_sessions_per_client", "average_dose_mg"]
    assert [i["key"] for i in oregon["items"]] == [
        "race", "ethnicity", "spoken_language", "written_language", "disability", "sexual_orientation",
        "gender_identity", "income", "county", "veteran", "reasons"]  # age comes from the intake
    assert len([o for o in next(i for i in oregon["items"] if i["key"] == "county")["options"]]) == 36 + 2
