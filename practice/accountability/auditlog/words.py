"""The audit trail and the access log in sentences: "Morgan Lee co-signed the note of Casey
Novak's medicine session of 27 Nov". Pure: rows and looked-up names in, words out.

One place names every audited table (a test fails on a table without a name here) and every
page that shows client data; fields are named by their models' labels.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from practice.roles import Role
from practice.wording import as_written

# What each audited table holds, as people say it. `{client}` is filled where the row names one.
RECORDS = {
    "clients_caseloadassignment": "caseload assignment",
    "clients_client": "client record",
    "clients_consentrevocation": "withdrawal of a consent",
    "clients_consentsignature": "consent signature",
    "clients_consenttemplate": "consent document",
    "clients_consentdraft": "draft of a consent document",
    "clients_consenttemplateversion": "consent document version",
    "clients_intakeversion": "intake form",
    "clients_demographicanswers": "answers for the state report",
    "therapy_sessions_gaterefusal": "refusal by the readiness checklist",
    "therapy_sessions_measureresponse": "symptom questionnaire answers",
    "therapy_sessions_measureacknowledgement": "acknowledgement of a questionnaire answer",
    "therapy_sessions_measureescalation": "escalation of a questionnaire answer",
    "clients_recordsexport": "copy of the records",
    "practice_concern": "concern",
    "practice_concernentry": "entry on a concern",
    "practice_invitation": "invitation",
    "practice_membership": "membership of the practice",
    "practice_practice": "practice settings",
    "practice_practitionerprofile": "practitioner profile",
    "practice_reviewmark": "supervision review mark",
    "practice_supervisionlink": "supervision link",
    "screening_cautionacknowledgement": "acknowledgement of a caution",
    "screening_medicalscreening": "medical screening",
    "screening_medicationentry": "medication list entry",
    "screening_medicationscreening": "medication list",
    "screening_policyversion": "safety policy",
    "screening_psychologicalscreening": "psychological screening",
    "screening_screeningreview": "screening review",
    "screening_substanceclassification": "classification of a substance",
    "therapy_sessions_checkin": "integration check-in",
    "therapy_sessions_checkinacknowledgement": "acknowledgement of a check-in answer",
    "therapy_sessions_checkinanswer": "check-in answer",
    "therapy_sessions_checkinescalation": "escalation of a check-in answer",
    "therapy_sessions_dosegiven": "dose record",
    "therapy_sessions_flightplansignature": "flight plan signature",
    "therapy_sessions_flightplanversion": "flight plan version",
    "therapy_sessions_gatecheck": "readiness check",
    "therapy_sessions_noteaddendum": "addendum to a note",
    "therapy_sessions_notecosignature": "co-signature of a note",
    "therapy_sessions_preparationtick": "preparation list tick",
    "therapy_sessions_ruptureacknowledgement": "acknowledgement of an alliance alert",
    "therapy_sessions_rupturealert": "alliance alert",
    "therapy_sessions_sessionevent": "live session log entry",
    "therapy_sessions_sessionnote": "session note",
    "therapy_sessions_sessionreminder": "appointment reminder",
    "therapy_sessions_surveyrequest": "alliance survey request",
    "therapy_sessions_surveyresponse": "alliance survey answer",
    "therapy_sessions_surveyschedule": "alliance survey schedule",
    "therapy_sessions_measureschedule": "symptom questionnaire schedule",
    "therapy_sessions_therapysession": "session",
    "therapy_sessions_vitalsreading": "vital signs reading",
    "therapy_sessions_waterintake": "water record",
}

# Acts that read better as their own verb than "added a ...".
ACTS = {
    ("therapy_sessions_notecosignature", "insert"): "co-signed the note",
    ("therapy_sessions_noteaddendum", "insert"): "added an addendum to the note",
    ("therapy_sessions_flightplansignature", "insert"): "signed the flight plan",
    ("clients_consentsignature", "insert"): "recorded a consent signature",
    ("clients_consentrevocation", "insert"): "recorded that a consent was withdrawn",
    ("therapy_sessions_therapysession", "insert"): "scheduled a session",
    ("therapy_sessions_dosegiven", "insert"): "recorded a dose",
    ("therapy_sessions_vitalsreading", "insert"): "recorded vital signs",
    ("therapy_sessions_sessionevent", "insert"): "wrote in the live session log",
    ("therapy_sessions_checkinacknowledgement", "insert"): "acknowledged a check-in answer",
    ("therapy_sessions_ruptureacknowledgement", "insert"): "acknowledged an alliance alert",
    ("screening_cautionacknowledgement", "insert"): "acknowledged a caution",
    ("practice_reviewmark", "insert"): "marked a record reviewed",
    ("practice_concern", "insert"): "raised a concern",
    ("practice_concernentry", "insert"): "wrote on a concern",
    ("clients_recordsexport", "insert"): "asked for a copy of the records",
}
VERBS = {"insert": "added", "update": "changed", "delete": "removed"}
# A change that sets one of these is the act people know it as.
MILESTONES = (("signed_at", "signed"), ("submitted_at", "submitted"), ("ended_at", "ended"),
              ("acknowledged_at", "acknowledged"), ("revoked_at", "revoked"))
BOOKKEEPING = {"id", "updated_at", "created_at"}


# Pages that show client data, as what the reader did. Others read as "opened a page showing".
PAGES = {
    "client_detail": "opened the record of", "screening_review": "opened the screening of",
    "therapist_form": "opened a form of", "staff_plan": "opened the flight plan of",
    "staff_plan_edit": "edited the flight plan of", "staff_plan_diff": "compared flight plan versions of",
    "staff_plan_pdf": "downloaded the flight plan of", "session_detail": "opened a session of",
    "session_note": "opened a session note of", "session_live": "opened the live session log of",
    "session_schedule": "scheduled a session for", "session_reschedule": "moved a session of",
    "caseload": "listed the caseload:", "today": "opened their day, listing", "agenda": "opened the agenda, listing",
    "supervision": "opened the supervision page, listing", "supervisee_review": "reviewed the records of",
    "client_search": "searched for a client (the words are not kept); found", "checkin_inbox": "opened the check-ins of",
    "consent_outstanding": "listed the consents of", "consent_pdf_staff": "downloaded a consent of",
    "concerns": "listed the concerns of", "concern_detail": "opened a concern of",
    "audit_log": "read the audit log about", "calendar_feed": "had their calendar fetch the sessions of",
}
READS = {"pdf": "downloaded a PDF:", "export": "exported", "refused": "was refused a page of"}


def _model(table: str):
    return next((m for m in apps.get_models() if m._meta.db_table == table), None)


def field_words(table: str, names) -> list[str]:
    """Field names as the model labels them ("date of birth"), bookkeeping left out."""
    model = _model(table)
    words = []
    for name in names:
        if name in BOOKKEEPING:
            continue
        try:
            field = model._meta.get_field(name.removesuffix("_id")) if model else None
        except FieldDoesNotExist:
            field = None
        words.append(as_written(str(field.verbose_name) if field is not None else name.removesuffix("_id")))
    return words


def role_words(value: str) -> str:
    return Role(value).label if value in Role.values else value


def value_words(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value in (None, ""):
        return "empty"
    return str(value)


def session_words(session) -> str:
    """ "medicine session of 27 Nov" (the viewer's zone)."""
    if session is None:
        return ""
    kind = session.kind_words.removesuffix(" session")
    return f"{kind} session of {timezone.localtime(session.scheduled_start):%-d %b %Y}"


def change_sentence(row, who: str, client: str | None, session=None) -> str:
    """One audit row as a sentence."""
    noun = RECORDS.get(row.table_name, "record")
    act = ACTS.get((row.table_name, row.operation))
    if act is None and row.operation == "update":
        new = row.new or {}
        done = [verb for field, verb in MILESTONES if field in row.changed_fields and new.get(field)]
        act = f"{done[0]} the {noun}" if done else None
    if act is None:
        act = f"{VERBS.get(row.operation, 'changed')} {'the' if row.operation != 'insert' else _a(noun)} {noun}"
    where = ""
    if client and client == who:  # the client acting on their own record: "Cora Client raised a concern"
        where = f" of their {session_words(session)}" if session is not None else ""
    elif session is not None and client:
        where = f" of {client}'s {session_words(session)}"
    elif client:
        where = f" of {client}"
    return f"{who} {act}{where}"


def read_sentence(row, who: str, clients: list[str]) -> str:
    """One access-log row as a sentence."""
    if row.kind == "search":
        act = PAGES["client_search"]
    elif row.kind == "feed":
        act = PAGES["calendar_feed"]
    elif row.kind == "report":  # aggregate figures: no client's record is shown
        return f"{who} read the practice reports{_report_words(row.path)}"
    elif row.kind in READS:
        act = READS[row.kind]
    else:
        act = PAGES.get(row.view, "opened a page showing")
    shown = ", ".join(clients) if clients else "nobody"
    return f"{who} {act} {shown}"


def _report_words(path: str) -> str:
    """The period and filter a report read was for, from its logged path, in words."""
    from urllib.parse import parse_qs

    asked = {k: v[0] for k, v in parse_qs(path.partition("?")[2]).items()}
    period = f" for {asked['start']} to {asked['end']}" if asked.get("start") and asked.get("end") else " for the quarter"
    return period + (", one practitioner" if asked.get("practitioner") else "")


def _a(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


# For the client's "who viewed your record": what the reader saw, said to the client.
FOR_CLIENT = {
    "client_detail": "opened your record", "screening_review": "opened your screening",
    "therapist_form": "opened one of your forms", "staff_plan": "opened your flight plan",
    "staff_plan_edit": "edited your flight plan", "staff_plan_diff": "compared versions of your flight plan",
    "staff_plan_pdf": "downloaded your flight plan", "session_detail": "opened one of your sessions",
    "session_note": "opened a note of one of your sessions", "session_live": "opened the log of your session",
    "session_schedule": "scheduled a session with you", "session_reschedule": "moved one of your sessions",
    "supervisee_review": "reviewed your records (supervision)", "consent_pdf_staff": "downloaded one of your consents",
    "concern_detail": "opened your concern",
}
LISTS = {"caseload", "today", "agenda", "supervision", "client_search", "checkin_inbox", "consent_outstanding",
         "concerns", "audit_log", "calendar_feed"}


def read_for_client(view: str, kind: str) -> str:
    if kind == "pdf":
        return "downloaded a PDF of your record"
    if kind == "export":
        return "exported your record"
    if kind in ("search", "feed") or view in LISTS:
        return "saw your name in a list (a caseload, calendar, search or log)"
    return FOR_CLIENT.get(view, "opened part of your record")
