"""Composite foreign keys that make cross-practice links impossible in the database.

Each (practice_id, <member>_id) pair must match a row of the referenced table with the
same practice, so no bug in a view or service can put practice A's therapist on practice
B's client. Django has no composite foreign keys, so migrations add them as SQL.
"""

from django.db import migrations


def same_practice_fk(table: str, column: str, ref_table: str) -> migrations.RunSQL:
    name = f"{table}_{column}_same_practice"
    return migrations.RunSQL(
        f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (practice_id, {column}) "
        f"REFERENCES {ref_table} (practice_id, id) DEFERRABLE INITIALLY DEFERRED;",
        f"ALTER TABLE {table} DROP CONSTRAINT {name};",
    )
