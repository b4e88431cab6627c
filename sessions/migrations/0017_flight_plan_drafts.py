"""An unsigned flight-plan version may be updated by the person who wrote it (their draft);
once any signature exists it is frozen, and no version is ever deleted or renumbered."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION sessions_flightplan_draft_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'flight plan versions are never deleted' USING ERRCODE = '23000';
  END IF;
  IF EXISTS (SELECT 1 FROM therapy_sessions_flightplansignature WHERE version_id = OLD.id) THEN
    RAISE EXCEPTION 'a signed flight plan version is locked; save a new version' USING ERRCODE = '23000';
  END IF;
  IF NEW.id <> OLD.id OR NEW.client_id <> OLD.client_id OR NEW.number <> OLD.number
     OR NEW.author_id <> OLD.author_id OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'only the content of a draft flight plan may change' USING ERRCODE = '23000';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""

TABLE = "therapy_sessions_flightplanversion"


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0016_surveys_append_only")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS sessions_flightplan_draft_only() CASCADE;"),
        migrations.RunSQL(
            f"DROP TRIGGER {TABLE}_append_only ON {TABLE}; "
            f"CREATE TRIGGER {TABLE}_draft_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION sessions_flightplan_draft_only();",
            f"DROP TRIGGER {TABLE}_draft_only ON {TABLE}; "
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION practice_forbid_change();",
        ),
    ]
