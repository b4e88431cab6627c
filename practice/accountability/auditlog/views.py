"""The audit trail and the access log for admins (their practice) and supervisors (their
supervisees' clients): filter, read, export CSV. Reading the log is itself logged."""

from __future__ import annotations

import csv
from datetime import datetime, time

from django import forms
from django.db.models import BooleanField, Case, CharField, Exists, F, Func, OuterRef, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clients import access
from clients.models import Client
from practice.accountability.auditlog import words
from practice.audit.context import note_read
from practice.audit.models import AccessEvent, AuditEvent
from practice.audit.triggers import AUDITED
from practice.paging import page_of
from practice.posted import error_text
from practice.roles import Role
from practice.tenancy.models import Membership
from sessions.notes.models import SessionNote
from sessions.scheduling.models import TherapySession


class InArray(Func):
    """`value = ANY(array)`, as a condition (the access log names its clients in an array)."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


LIMIT = 500  # rows in one CSV download
PER_PAGE = 50


class LogFilter(forms.Form):
    log = forms.ChoiceField(choices=[("audit", "Changes (audit trail)"), ("access", "Reads (access log)")],
                            initial="audit", label="Log")
    # Chosen from a client's link (their record, the team list), not from a list of every client.
    client = forms.UUIDField(required=False, widget=forms.HiddenInput)
    user = forms.ChoiceField(required=False, label="Staff member")
    kind = forms.ChoiceField(required=False, label="Kind of record (changes) or read")
    since = forms.DateField(required=False, label="From (date)", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To (date)", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, clients, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = clients  # the clients this reader may see (a queryset, never loaded whole)
        self.fields["user"].choices = [("", "All")] + [(str(m.user_id), str(m.user)) for m in staff]
        self.fields["kind"].choices = (
            [("", "All")]
            + [("Changes", sorted(((t, words.RECORDS[t][:1].upper() + words.RECORDS[t][1:]) for t in AUDITED),
                                  key=lambda choice: choice[1]))]
            + [("Reads", list(AccessEvent.Kind.choices))])

    def clean_client(self):
        chosen = self.cleaned_data.get("client")
        if chosen and not self.clients.filter(pk=chosen).exists():
            raise forms.ValidationError("That client's log is not one you may read.")
        return chosen

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data


FEW = 1000  # a supervisor's clients up to this many are passed to the log's query as a list


def _day(d, end=False):
    return timezone.make_aware(datetime.combine(d, time.max if end else time.min))


@access.member_required(Role.ADMIN, Role.SUPERVISOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    m = request.membership
    clients = (access.clients_visible_to(m) if m.role == Role.SUPERVISOR
               else Client.objects.filter(practice_id=m.practice_id))
    staff = Membership.objects.filter(practice_id=m.practice_id).exclude(role=Role.CLIENT).select_related("user")
    form = LogFilter(request.GET or None, clients=clients, staff=staff)
    if form.is_bound and not form.is_valid():
        # A filter that does not make sense shows nothing, on the page and in the CSV alike.
        if request.GET.get("format") == "csv":
            return HttpResponse("The filter is not valid: " + error_text(form),
                                status=400, content_type="text/plain; charset=utf-8")
        return render(request, "practice/audit_log.html", {"form": form, "rows": [], "limit": LIMIT}, status=400)
    data = form.cleaned_data if form.is_bound else {"log": "audit"}
    visible_ids = clients.values("pk")
    if data.get("log") == "access":
        rows = AccessEvent.objects.filter(practice_id=m.practice_id).select_related("actor")
        if m.role == Role.SUPERVISOR:
            # Their supervisees' clients, and what their supervisees tried to open and were refused.
            rows = rows.filter(Q(Exists(clients.filter(InArray(F("pk"), OuterRef("clients"))))) | Q(
                kind=AccessEvent.Kind.REFUSED, actor_id__in=access.supervised_therapists(m).values("user_id")))
        if data.get("client"):
            rows = rows.filter(clients__contains=[data["client"]])
        if data.get("kind") in AccessEvent.Kind.values:
            rows = rows.filter(kind=data["kind"])
        rows = concern_reads_visible(rows, m)
    else:
        rows = AuditEvent.objects.filter(practice_id=m.practice_id).select_related("actor")
        if m.role == Role.SUPERVISOR:
            # Written out when few: the planner then sees how rare they are in a large practice and
            # reads each client's newest rows from its index instead of walking the practice's log.
            few = access.few_visible_client_ids(m, FEW)
            rows = rows.filter(client_id__in=visible_ids if few is None else few)
        if data.get("client"):
            rows = rows.filter(client_id=data["client"])
        if data.get("kind") in AUDITED:
            rows = rows.filter(table_name=data["kind"])
        rows = concern_changes_visible(rows, m)
    if data.get("user"):
        rows = rows.filter(actor_id=data["user"])
    if data.get("since"):
        rows = rows.filter(at__gte=_day(data["since"]))
    if data.get("until"):
        rows = rows.filter(at__lte=_day(data["until"], end=True))
    csv_wanted = request.GET.get("format") == "csv"
    page = None
    if csv_wanted:
        rows = list(rows[:LIMIT])
    else:
        page = page_of(rows, request.GET.get("page"), PER_PAGE)  # newest first; the log is never counted whole
        rows = list(page.object_list)
    access_log = data.get("log") == "access"
    on_page = {pk for row in rows for pk in (row.clients if access_log else [row.client_id] if row.client_id else [])}
    names = {c.pk: str(c) for c in clients.filter(pk__in=on_page).select_related("membership__user")}
    sessions = {} if access_log else _sessions_of(rows)
    shown = set()
    for row in rows:
        ids = row.clients if access_log else [row.client_id] if row.client_id else []
        row.client_names = [names.get(pk, "another client") for pk in ids]
        shown.update(ids)
        who = str(row.actor) if row.actor_id else "The system"
        if access_log:
            row.sentence = words.read_sentence(row, who, row.client_names)
        else:
            row.sentence = words.change_sentence(row, who, row.client_names[0] if row.client_names else None,
                                                 sessions.get(row.pk))
            changed = [f for f in row.changed_fields if f not in words.BOOKKEEPING] if row.operation == "update" else []
            old, new = row.old or {}, row.new or {}
            row.fields_in_words = [(label, words.value_words(old.get(f)), words.value_words(new.get(f)))
                                   for f, label in zip(changed, words.field_words(row.table_name, changed), strict=True)]
    note_read(request, [pk for pk in shown if pk in names])
    if csv_wanted:
        return _csv(rows, access_log)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "practice/audit_log.html", {
        "form": form, "rows": rows, "page": page, "access_log": access_log, "limit": LIMIT,
        "chosen_client": clients.select_related("membership__user").filter(pk=data["client"]).first()
        if data.get("client") else None,
        "values": m.role == Role.SUPERVISOR, "csv_query": query.urlencode()},
        status=400 if form.is_bound and form.errors else 200)


def _sessions_of(rows) -> dict:
    """{audit row id: the session it is about}, for the rows of one page (two queries)."""
    wanted, via_note = {}, {}
    for row in rows:
        values = row.new or row.old or {}
        if row.table_name == "therapy_sessions_therapysession":
            wanted[row.pk] = row.row_id
        elif values.get("session_id"):
            wanted[row.pk] = values["session_id"]
        elif values.get("note_id"):
            via_note[row.pk] = values["note_id"]
    notes = dict(SessionNote.objects.filter(pk__in=set(via_note.values())).values_list("pk", "session_id"))
    for row_id, note_id in via_note.items():
        if note_id in notes:
            wanted[row_id] = notes[note_id]
    found = {str(s.pk): s for s in TherapySession.objects.filter(pk__in=set(map(str, wanted.values())))}
    return {row_id: found.get(str(session_id)) for row_id, session_id in wanted.items()}


def _visible_concern_ids(m):
    return access.concerns_visible_to(m).annotate(key=Cast("pk", CharField())).values("key")


def concern_changes_visible(rows, m):
    """Audit rows about a concern (the concern, its entries, a review mark on it) only for those
    who may read that concern: a log must not show what the record itself hides."""
    rows = rows.annotate(concern_ref=Case(
        When(table_name="practice_concern", then=F("row_id")),
        When(table_name="practice_concernentry", then=Coalesce(KT("new__concern_id"), KT("old__concern_id"))),
        When(table_name="practice_reviewmark", new__item="concern", then=KT("new__item_id")),
        default=Value(None), output_field=CharField()))
    return rows.filter(Q(concern_ref__isnull=True) | Q(concern_ref__in=_visible_concern_ids(m)))


CONCERN_LIST, CONCERN_PAGE = "concerns", "concern_detail"


def concern_reads_visible(rows, m):
    """Reads of concern pages likewise: a concern's page only for those who may read it; the
    list of concerns only for the practice's reviewers (and the reader themselves)."""
    pages = access.concerns_visible_to(m).annotate(
        page=Concat(Value("/accountability/concerns/"), Cast("pk", CharField()), Value("/"),
                    output_field=CharField())).values("page")
    rows = rows.filter(~Q(view=CONCERN_PAGE) | Q(path__in=pages))
    if not access.is_concern_reviewer(m):
        rows = rows.filter(~Q(view=CONCERN_LIST) | Q(actor_id=m.user_id))
    return rows


def _csv(rows, access_log: bool) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"' if access_log else \
        'attachment; filename="audit-trail.csv"'
    out = csv.writer(response)
    if access_log:
        out.writerow(["At (UTC)", "What happened", "Staff member", "Role", "Clients", "Page", "Address"])
        for r in rows:
            out.writerow([r.at.isoformat(), _safe(r.sentence), _safe(r.actor), words.role_words(r.role),
                          "; ".join(_safe(n) for n in r.client_names), r.path, r.ip])
    else:
        out.writerow(["At (UTC)", "What happened", "Staff member", "Record", "Record id", "Client", "Changed",
                      "Page or task", "Address"])
        for r in rows:
            out.writerow([r.at.isoformat(), _safe(r.sentence), _safe(r.actor or "The system"),
                          words.RECORDS.get(r.table_name, "record"), r.row_id,
                          "; ".join(_safe(n) for n in r.client_names),
                          ", ".join(words.field_words(r.table_name, r.changed_fields)), r.path or "", r.ip or ""])
    return response


def _safe(value) -> str:
    """No spreadsheet formula injection from names typed by users."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
