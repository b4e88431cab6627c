"""seed_scale builds a realistic practice, reproducibly, and never over an existing one."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from practice.demo.scale import build
from sessions.checkins.models import CheckIn


def test_small_seed_builds_every_kind_of_record(db):
    call_command("seed_scale", "--small", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from clients.models import Client
    from sessions.notes.models import SessionNote
    from sessions.surveys.models import SurveyResponse

    assert Client.objects.count() == 60 and CheckIn.objects.count() == 3000
    assert SessionNote.objects.exists() and SurveyResponse.objects.exists()
    from sessions.livelog.models import DoseGiven, SessionEvent

    assert DoseGiven.objects.filter(which="initial").exists() and DoseGiven.objects.filter(which="booster").exists()
    assert set(SessionEvent.objects.values_list("severity", flat=True)) <= {"mild", "medical_care"}
    with pytest.raises(CommandError, match="already exists"):
        call_command("seed_scale", "--small")


def test_same_seed_same_content(db):
    def fingerprint(name):
        build(name, 2, 10, 200, random.Random(7))
        rows = CheckIn.objects.filter(client__practice__name=name).order_by("due_at", "day")
        return [(r.day, r.state) for r in rows]

    assert fingerprint("A") == fingerprint("B")
