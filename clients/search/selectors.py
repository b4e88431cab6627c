"""Find clients by any part of a name or email, typo-tolerant, among those the viewer may see.

pg_trgm's word similarity ("robn" finds "Robin Rowe") and substring match (part of an email),
both served by the trigram index on ClientSearch.text; ranked by similarity, then name.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Q

from clients import access
from clients.caseload.models import Client
from clients.search.models import ClientSearch
from clients.search.rules import MIN_LENGTH, normalise

LIMIT = 20
THRESHOLD = 0.4  # pg_trgm's default is 0.6; 0.4 still finds a name with one letter wrong or missing


@transaction.atomic
def find_clients(membership, text: str, limit: int = LIMIT) -> list[Client]:
    """Up to `limit` clients matching `text`, best first (none for a query under two letters)."""
    query = normalise(text)
    if len(query) < MIN_LENGTH:
        return []
    with connection.cursor() as cursor:  # for this transaction only
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(THRESHOLD)])
    visible = access.clients_visible_to(membership).values("pk")
    matches = (ClientSearch.objects.filter(practice_id=membership.practice_id, client_id__in=visible)
               .filter(Q(text__trigram_word_similar=query) | Q(text__contains=query))
               .annotate(score=TrigramWordSimilarity(query, "text"))
               .order_by("-score", "text").values_list("client_id", flat=True)[:limit])
    ids = list(matches)
    clients = Client.objects.filter(pk__in=ids).select_related("membership__user")
    by_id = {c.pk: c for c in clients}
    return [by_id[i] for i in ids if i in by_id]
