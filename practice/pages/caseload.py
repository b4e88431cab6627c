"""The caseload list's filters and orders, in SQL: a page of 50 costs the same whatever the
caseload's size (reads only; top layer, since it reads check-ins and notes beside clients)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from clients.caseload.models import Stage
from practice.timing import TIMING
from sessions.checkins.models import CheckInAnswer
from sessions.scheduling.models import Status, TherapySession
from sessions.scheduling.selectors import with_next_session

FLAGS = [("", "Any"), ("danger", "Danger answer in a check-in"), ("overdue", "Note not signed in time")]


class CaseloadFilterForm(forms.Form):
    stage = forms.ChoiceField(required=False, choices=[("", "Any stage"), *Stage.choices], label="Stage")
    next = forms.ChoiceField(required=False, label="Next session", choices=[
        ("", "Any"), ("week", "Within 7 days"), ("none", "None booked")])
    flag = forms.ChoiceField(required=False, choices=FLAGS, label="Needs attention")
    sort = forms.ChoiceField(required=False, label="Order", choices=[
        ("name", "Name"), ("next", "Next session"), ("contact", "Last session, most recent first")])


def caseload(clients: QuerySet, *, stage="", next="", flag="", sort="name") -> QuerySet:  # noqa: A002 (the field's name)
    clients = with_next_session(clients).annotate(last_contact=Subquery(
        TherapySession.objects.filter(client=OuterRef("pk"), status=Status.COMPLETED)
        .values("client").annotate(last=Max("scheduled_start")).values("last")[:1]))
    if stage:
        clients = clients.filter(stage=stage)
    if next == "week":
        clients = clients.filter(next_session_start__lte=timezone.now() + timedelta(days=7))
    elif next == "none":
        clients = clients.filter(next_session_start__isnull=True)
    if flag == "danger":
        clients = clients.filter(Exists(CheckInAnswer.objects.filter(
            checkin__client=OuterRef("pk"), danger=True, acknowledgements__isnull=True)))
    elif flag == "overdue":
        cutoff = timezone.now() - TIMING.note_overdue_after
        clients = clients.filter(Exists(TherapySession.objects.filter(
            client=OuterRef("pk"), status=Status.COMPLETED).filter(
            Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, scheduled_start__lt=cutoff)).filter(
            Q(note__isnull=True) | Q(note__signed_at__isnull=True))))
    name = ("membership__user__full_name", "membership__user__email")
    if sort == "next":
        return clients.order_by(F("next_session_start").asc(nulls_last=True), *name)
    if sort == "contact":
        return clients.order_by(F("last_contact").desc(nulls_last=True), *name)
    return clients.order_by(*name)
