"""The results page of the header's search box (works without JavaScript)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clients import access
from clients.search.forms import SearchForm
from clients.search.rules import MIN_LENGTH
from clients.search.selectors import find_clients
from practice.audit.context import note_read
from practice.roles import Role


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data["q"] if valid else ""
    book = form.cleaned_data.get("book") if valid and request.membership.role == Role.THERAPIST else None
    results = find_clients(request.membership, query) if query else []
    note_read(request, results)
    request.audit_search = True  # logged as a search even with no results; the text itself never is
    return render(request, "clients/search.html", {"form": form, "query": query, "results": results, "book": book,
                                                   "too_short": bool(query) and len(query.strip()) < MIN_LENGTH})
