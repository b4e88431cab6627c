"""Database triggers that make signed or submitted records append-only.

Views never offer edits or deletions of such records, but the rule lives in PostgreSQL so
that no code path (a bug, the Django admin, a shell, raw SQL) can rewrite clinical history.
A violation raises SQLSTATE 23000, which Django surfaces as IntegrityError.
"""

from django.db import migrations

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION practice_forbid_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = '23000';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION practice_forbid_change_after_sign() RETURNS trigger AS $$
BEGIN
  IF OLD.signed_at IS NOT NULL THEN
    RAISE EXCEPTION 'signed % rows are locked; add an addendum', TG_TABLE_NAME USING ERRCODE = '23000';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION practice_forbid_change_after_submit() RETURNS trigger AS $$
BEGIN
  IF OLD.submitted_at IS NOT NULL THEN
    RAISE EXCEPTION 'submitted % rows are append-only', TG_TABLE_NAME USING ERRCODE = '23000';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


def install_functions() -> migrations.RunSQL:
    return migrations.RunSQL(FUNCTIONS_SQL, migrations.RunSQL.noop)


def append_only(table: str) -> migrations.RunSQL:
    """No UPDATE or DELETE at all (acknowledgements, reviews, classifications)."""
    return migrations.RunSQL(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION practice_forbid_change();",
        f"DROP TRIGGER {table}_append_only ON {table};",
    )


def frozen_after_submit(table: str) -> migrations.RunSQL:
    """Drafts may change; once `submitted_at` is set the row never changes again."""
    return migrations.RunSQL(
        f"CREATE TRIGGER {table}_frozen_after_submit BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION practice_forbid_change_after_submit();",
        f"DROP TRIGGER {table}_frozen_after_submit ON {table};",
    )


def locked_after_signing(table: str) -> migrations.RunSQL:
    """Drafts may change; once `signed_at` is set the row is locked (corrections are addenda)."""
    return migrations.RunSQL(
        f"CREATE TRIGGER {table}_locked_after_signing BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION practice_forbid_change_after_sign();",
        f"DROP TRIGGER {table}_locked_after_signing ON {table};",
    )


def children_frozen_with_parent(table: str, fk: str, parent: str) -> migrations.RunSQL:
    """Rows of `table` can't be added, changed or removed once their parent was submitted."""
    fn = f"{table}_guard"  # table names are constants from migrations, never user input
    return migrations.RunSQL(
        f"""
        CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
        DECLARE parent_id bigint;
        BEGIN
          IF TG_OP = 'INSERT' THEN parent_id := NEW.{fk}; ELSE parent_id := OLD.{fk}; END IF;
          IF EXISTS (SELECT 1 FROM {parent} WHERE id = parent_id AND submitted_at IS NOT NULL) THEN
            RAISE EXCEPTION 'rows of submitted % are append-only', '{parent}' USING ERRCODE = '23000';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER {fn} BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {fn}();
        """,
        f"DROP TRIGGER {fn} ON {table}; DROP FUNCTION {fn}();",
    )
