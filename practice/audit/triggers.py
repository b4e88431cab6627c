"""The audit trigger: every insert, update and delete on a clinical table becomes an
`AuditEvent` row with the old and new values, whoever made it and however (ORM, bulk
update, raw SQL, a shell).

The row's client and practice are found from the row itself (`client_id`, `practice_id`) or,
for rows that hang off another record, by the lookup query given for that table below, so
every event can be filtered by client and scoped to its practice.
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION practice_audit() RETURNS trigger AS $$
DECLARE
  o jsonb;
  n jsonb;
  rec jsonb;
  req jsonb;
  cid text;
  pid text;
BEGIN
  IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' AND o = n THEN RETURN NEW; END IF;  -- nothing changed
  rec := COALESCE(n, o);
  cid := rec->>'client_id';
  IF cid IS NULL AND TG_ARGV[0] <> '' THEN EXECUTE TG_ARGV[0] INTO cid USING rec; END IF;
  pid := rec->>'practice_id';
  IF pid IS NULL AND cid IS NOT NULL THEN
    SELECT practice_id::text INTO pid FROM clients_client WHERE id = cid::uuid;
  END IF;
  IF pid IS NULL AND TG_ARGV[1] <> '' THEN EXECUTE TG_ARGV[1] INTO pid USING rec; END IF;
  req := NULLIF(current_setting('practice.request', true), '')::jsonb;
  INSERT INTO practice_auditevent (at, table_name, operation, row_id, practice_id, client_id, actor_id,
                                   request_id, ip, path, old, new)
  VALUES (now(), TG_TABLE_NAME, lower(TG_OP), rec->>'id', pid::uuid, cid::uuid, (req->>'user')::bigint,
          (req->>'id')::uuid, req->>'ip', req->>'path', o, n);
  RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql;
"""


def _via(table: str, column: str, cast: str = "bigint", target: str = "client_id") -> str:
    return f"SELECT {target}::text FROM {table} WHERE id = ($1->>'{column}')::{cast}"


SESSION = "therapy_sessions_therapysession"

# table -> (client lookup, practice lookup); "" where the row carries the column itself.
AUDITED = {
    "practice_practice": ("", "SELECT $1->>'id'"),
    "practice_membership": ("", ""),
    "practice_supervisionlink": ("", ""),
    "practice_invitation": ("", ""),
    "practice_practitionerprofile": ("", _via("practice_membership", "membership_id", "uuid", "practice_id")),
    "clients_client": ("SELECT $1->>'id'", ""),
    "clients_caseloadassignment": ("", ""),
    "clients_consenttemplate": ("", ""),
    "clients_consentdraft": ("", ""),
    "clients_consenttemplateversion": ("", _via("clients_consenttemplate", "template_id", target="practice_id")),
    "clients_consentsignature": ("", ""),
    "clients_consentrevocation": (_via("clients_consentsignature", "signature_id", "uuid"), ""),
    "clients_intakeversion": ("", ""),
    "clients_demographicanswers": ("", ""),
    "therapy_sessions_gaterefusal": ("", ""),
    "therapy_sessions_measureresponse": ("", ""),
    "therapy_sessions_measureacknowledgement": (_via("therapy_sessions_measureresponse", "response_id"), ""),
    "therapy_sessions_measureescalation": (_via("therapy_sessions_measureresponse", "response_id"), ""),
    "clients_recordsexport": ("", ""),
    "screening_medicalscreening": ("", ""),
    "screening_medicationscreening": ("", ""),
    "screening_medicationentry": (_via("screening_medicationscreening", "screening_id"), ""),
    "screening_psychologicalscreening": ("", ""),
    "screening_substanceclassification": ("", ""),
    "screening_screeningreview": ("", ""),
    "screening_cautionacknowledgement": ("", ""),
    "screening_policyversion": ("", ""),
    SESSION: ("", ""),
    "therapy_sessions_gatecheck": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_checkin": ("", ""),
    "therapy_sessions_checkinanswer": (_via("therapy_sessions_checkin", "checkin_id", "uuid"), ""),
    "therapy_sessions_checkinescalation": (
        "SELECT c.client_id::text FROM therapy_sessions_checkinanswer a JOIN therapy_sessions_checkin c "
        "ON c.id = a.checkin_id WHERE a.id = ($1->>'answer_id')::bigint", ""),
    "therapy_sessions_checkinacknowledgement": (
        "SELECT c.client_id::text FROM therapy_sessions_checkinanswer a JOIN therapy_sessions_checkin c "
        "ON c.id = a.checkin_id WHERE a.id = ($1->>'answer_id')::bigint", ""),
    "therapy_sessions_flightplanversion": ("", ""),
    "therapy_sessions_flightplansignature": (_via("therapy_sessions_flightplanversion", "version_id"), ""),
    "therapy_sessions_dosegiven": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_vitalsreading": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_waterintake": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_sessionevent": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_sessionnote": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_noteaddendum": (
        f"SELECT s.client_id::text FROM therapy_sessions_sessionnote n JOIN {SESSION} s ON s.id = n.session_id "
        "WHERE n.id = ($1->>'note_id')::bigint", ""),
    "therapy_sessions_notecosignature": (
        f"SELECT s.client_id::text FROM therapy_sessions_sessionnote n JOIN {SESSION} s ON s.id = n.session_id "
        "WHERE n.id = ($1->>'note_id')::bigint", ""),
    "therapy_sessions_surveyschedule": ("", ""),
    "therapy_sessions_measureschedule": ("", ""),
    "therapy_sessions_surveyrequest": ("", ""),
    "therapy_sessions_sessionreminder": ("", ""),
    "therapy_sessions_preparationtick": (_via(SESSION, "session_id", "uuid"), ""),
    "therapy_sessions_surveyresponse": ("", ""),
    "therapy_sessions_rupturealert": (_via("therapy_sessions_surveyresponse", "response_id"), ""),
    "therapy_sessions_ruptureacknowledgement": (
        "SELECT r.client_id::text FROM therapy_sessions_rupturealert a JOIN therapy_sessions_surveyresponse r "
        "ON r.id = a.response_id WHERE a.id = ($1->>'alert_id')::bigint", ""),
    "practice_concern": ("", ""),
    "practice_concernentry": (_via("practice_concern", "concern_id", "uuid"), ""),
    "practice_reviewmark": ("", ""),
}

# Tables deliberately not audited: user accounts (no clinical content; allauth keeps its own
# records), the audit tables, and the bytes of a client's prepared copy.
NOT_AUDITED = {"practice_user", "practice_auditevent", "practice_accessevent",
               "clients_recordsexportfile",  # the zip of a client's copy: built from audited rows, deleted after a day
               "clients_clientsearch",  # names and email as search matches them, kept by triggers from audited rows
               "clients_caseloadorder",  # names and email in caseload order, kept by triggers from audited rows
               "therapy_sessions_openanswer",  # which answers await acknowledgement, kept by triggers from audited rows
               "therapy_sessions_calendarfeed",  # a hash of a staff member's calendar link; no client data
               "practice_user_groups", "practice_user_user_permissions"}


# TRUNCATE fires no row trigger. On a clinical table it becomes one audit row per practice
# (everyone's rows went); on the audit tables it is refused outright.
TRUNCATE_SQL = """
CREATE OR REPLACE FUNCTION practice_audit_truncate() RETURNS trigger AS $$
DECLARE
  req jsonb;
BEGIN
  req := NULLIF(current_setting('practice.request', true), '')::jsonb;
  INSERT INTO practice_auditevent (at, table_name, operation, row_id, practice_id, client_id, actor_id,
                                   request_id, ip, path, old, new)
  SELECT now(), TG_TABLE_NAME, 'truncate', '*', p.id, NULL, (req->>'user')::bigint, (req->>'id')::uuid,
         req->>'ip', COALESCE(req->>'path', current_user), NULL, NULL
  FROM (SELECT id FROM practice_practice UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM practice_practice)) p;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION practice_forbid_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME USING ERRCODE = '23000';
END $$ LANGUAGE plpgsql;
"""

AUDIT_TABLES = ("practice_auditevent", "practice_accessevent")


def audit_truncate(table: str) -> migrations.RunSQL:
    name = f"{table}_audit_truncate"
    return migrations.RunSQL(
        f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION practice_audit_truncate();",
        f"DROP TRIGGER IF EXISTS {name} ON {table};")


def forbid_truncate(table: str) -> migrations.RunSQL:
    name = f"{table}_no_truncate"
    return migrations.RunSQL(
        f"CREATE TRIGGER {name} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION practice_forbid_truncate();",
        f"DROP TRIGGER IF EXISTS {name} ON {table};")


def _quote(sql: str) -> str:
    return "'" + sql.replace("'", "''") + "'"


def audit(table: str) -> migrations.RunSQL:
    client_sql, practice_sql = AUDITED[table]
    name = f"{table}_audit"
    return migrations.RunSQL(
        f"DROP TRIGGER IF EXISTS {name} ON {table}; "
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION practice_audit({_quote(client_sql)}, {_quote(practice_sql)});",
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


def install(tables) -> list[migrations.RunSQL]:
    """The function and the triggers for `tables` (a migration names the tables it knows)."""
    return [migrations.RunSQL(FUNCTION_SQL, "DROP FUNCTION IF EXISTS practice_audit() CASCADE;"),
            *[audit(table) for table in tables]]
