"""Find clients by any part of a name or email, typo-tolerant, among those the viewer may see.

pg_trgm's word similarity ("robn" finds "Robin Rowe") and substring match (part of an email)
for each word typed, all served by the trigram index on ClientSearch.text; ranked by the sum of
the words' similarities, then name.
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
MAX_WORDS = 5
THRESHOLD = 0.4  # pg_trgm's default is 0.6; 0.4 still finds a name with one letter wrong or missing


def matching(membership, query: str):
    """The search's queryset for a normalised query (ranked; the benchmark prints its plan)."""
    visible = access.clients_visible_to(membership).values("pk")
    # Any word may match (each with its own typo; a short word's trigrams are too few to rely
    # on), and the ranking adds the words' similarities, so "Robn Rwe" puts Robin Rowe first.
    words = query.split()[:MAX_WORDS]
    anyword = Q()
    for word in words:
        anyword |= Q(text__trigram_word_similar=word) | Q(text__contains=word)
    matches = ClientSearch.objects.filter(anyword, practice_id=membership.practice_id, client_id__in=visible)
    score = sum((TrigramWordSimilarity(word, "text") for word in words[1:]), TrigramWordSimilarity(words[0], "text"))
    return matches.annotate(score=score).order_by("-score", "text")


@transaction.atomic
def find_clients(membership, text: str, limit: int = LIMIT) -> list[Client]:
    """Up to `limit` clients matching `text`, best first (none for a query under two letters)."""
    query = normalise(text)
    if len(query) < MIN_LENGTH:
        return []
    with connection.cursor() as cursor:  # for this transaction only
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(THRESHOLD)])
    ids = list(matching(membership, query).values_list("client_id", flat=True)[:limit])
    clients = Client.objects.filter(pk__in=ids).select_related("membership__user")
    by_id = {c.pk: c for c in clients}
    return [by_id[i] for i in ids if i in by_id]
