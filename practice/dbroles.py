"""Two database roles for production: an owner that migrates, an app role that runs the site.

The app role may read and write clinical tables but only SELECT and INSERT on the audit
tables; it owns nothing, so it cannot TRUNCATE, ALTER a table, disable a trigger, or set
`session_replication_role` (that needs a superuser). Run `manage.py grant_app_role ROLE` as
the owner after every `migrate` (new tables need their grants); `--sql` prints the statements
for a DBA instead.
"""

from __future__ import annotations

from psycopg import sql

from practice.audit.triggers import AUDIT_TABLES


def grant_statements(role: str, schema: str = "public") -> list[sql.Composed]:
    r, s = sql.Identifier(role), sql.Identifier(schema)
    audit = sql.SQL(", ").join(sql.Identifier(schema, t) for t in AUDIT_TABLES)
    return [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(s, r),
        # The audit trail: read it and add to it, nothing else.
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(audit, r),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(s, r),
    ]


def problems(cursor, role: str) -> list[str]:
    """Why `role` is not a safe app role (empty when it is)."""
    cursor.execute("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        return [f"there is no role named {role}"]
    found = [text for flag, text in zip(row, ["it is a superuser", "it bypasses row security",
                                              "it may create roles"], strict=True) if flag]
    cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s AND schemaname = 'public'", [role])
    if cursor.fetchone()[0]:
        found.append("it owns tables (owners may truncate and disable triggers)")
    return found
