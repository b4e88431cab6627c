"""What client search matches: each client's names and email, lowercased and without accents.

Database triggers keep it (see the migration that made it): a client added, a name or email
changed, an intake submitted. The app only reads it, so it cannot drift from the records. Not
audited: it holds nothing the audited rows do not, and a rename would only be a second copy.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models

from clients.caseload.models import Client
from practice.tenancy.models import Practice


class ClientSearch(models.Model):
    client = models.OneToOneField(Client, primary_key=True, on_delete=models.DO_NOTHING, related_name="+")
    practice = models.ForeignKey(Practice, on_delete=models.DO_NOTHING, related_name="+")
    text = models.TextField()

    class Meta:
        indexes = [GinIndex(fields=["text"], name="clients_search_text_trgm", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return f"Search entry of client {self.client_id}"
