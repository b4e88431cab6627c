"""The client's own records: download a copy, and see which staff read their record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from practice import access
from practice.audit import AccessEvent
from practice.roles import Role

from .export import records_zip


@access.member_required(Role.CLIENT)
def my_records(request: HttpRequest) -> HttpResponse:
    client = access.own_client(request)
    reads = (AccessEvent.objects.filter(clients__contains=[client.pk], practice_id=client.practice_id)
             .exclude(kind=AccessEvent.Kind.REFUSED)  # refused attempts showed nothing; supervisors see them
             .select_related("actor")[:300])
    return render(request, "clients/my_records.html", {"reads": reads})


@access.member_required(Role.CLIENT)
def my_records_download(request: HttpRequest) -> HttpResponse:
    client = access.own_client(request)
    response = HttpResponse(records_zip(client), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-records.zip"'
    response["Cache-Control"] = "no-store"
    return response
