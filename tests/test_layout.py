"""What the layout promises beyond the import layers: task names that survive a deploy, one
source for the numbers people read, and emails built one way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from practice.celery import app

ROOT = Path(settings.BASE_DIR)

# Every task name ever queued or scheduled; a deploy that renames one strands its messages.
STABLE_TASK_NAMES = {
    "sessions.tasks.dispatch_due_checkins", "sessions.tasks.send_checkin", "sessions.tasks.notify_danger",
    "sessions.tasks.checkin_followups", "sessions.tasks.dispatch_due_surveys", "sessions.tasks.send_survey",
    "sessions.tasks.survey_followups", "sessions.tasks.notify_attention", "practice.tasks.build_records_export",
    "practice.tasks.records_exports_housekeeping", "practice.tasks.clear_expired_sessions",
    "sessions.reminders.dispatch_due_reminders", "sessions.reminders.send_reminder",
    "sessions.reminders.reminders_housekeeping", "sessions.tasks.send_checkin_batch", "sessions.tasks.send_survey_batch",
    "sessions.reminders.send_reminder_batch",
}


def test_task_names_are_stable_and_every_beat_entry_has_a_task():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    assert STABLE_TASK_NAMES <= registered
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} <= registered


def _sources(*patterns: str) -> list[Path]:
    found = []
    for pattern in patterns:
        found += [p for p in ROOT.glob(pattern) if ".venv" not in p.parts and "migrations" not in p.parts]
    return found


def test_the_crisis_lines_are_defined_once():
    holders = [p.relative_to(ROOT).as_posix() for p in _sources("**/*.py", "templates/**/*.html", "templates/**/*.txt")
               if "tests" not in p.parts and ("6234737433" in p.read_text() or "473-7433" in p.read_text())]
    assert holders == ["practice/crisis.py"]


# The clock and policy numbers as they used to be typed into templates; each is now rendered
# from practice.timing or the policy.
TYPED_NUMBERS = re.compile(r"\b(72 hours|24 hours|4 hours|7 days|first 6 h|1, 3, 7, 14|first five sessions|every 4 weeks)\b")


@pytest.mark.parametrize("template", _sources("templates/**/*.html", "templates/**/*.txt"), ids=lambda p: p.name)
def test_templates_render_numbers_instead_of_typing_them(template):
    assert TYPED_NUMBERS.findall(template.read_text()) == []


def test_every_email_is_built_by_compose():
    """No module but practice/emails.py makes an email message or calls send_mail."""
    makers = re.compile(r"EmailMultiAlternatives\(|EmailMessage\(|send_mail\(")
    found = [p.relative_to(ROOT).as_posix() for p in _sources("practice/**/*.py", "clients/**/*.py",
                                                               "screening/**/*.py", "sessions/**/*.py")
             if makers.search(p.read_text())]
    assert found == ["practice/emails.py"]


def test_the_typed_number_scan_can_fail():
    assert TYPED_NUMBERS.findall("Notes not signed within 72 hours") == ["72 hours"]
