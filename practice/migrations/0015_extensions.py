"""The PostgreSQL extensions the app uses: pg_trgm (typo-tolerant search), unaccent (search that
ignores accents) and btree_gist (exclusion constraints). All three are trusted extensions: the
database owner creates them without superuser rights."""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("practice", "0014_practice_emergency_number")]

    operations = [TrigramExtension(), UnaccentExtension(), BtreeGistExtension()]
