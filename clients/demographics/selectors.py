"""Reads of the demographic answers."""

from __future__ import annotations

from clients.demographics.models import DemographicAnswers


def latest_for(client, program: str) -> DemographicAnswers | None:
    return DemographicAnswers.objects.filter(client=client, program=program).first()


def latest_of(clients, program: str):
    """The newest answers of each of `clients` (a queryset) for the program, one query."""
    return (DemographicAnswers.objects.filter(client__in=clients, program=program)
            .order_by("client_id", "-number").distinct("client_id"))


def latest_by_program(client) -> dict[str, DemographicAnswers]:
    """{program: the client's newest answers for it}, one query."""
    return {a.program: a for a in DemographicAnswers.objects.filter(client=client).order_by("program", "-number")
            .distinct("program")}
