"""The client's own records: ask for a copy (prepared by a worker), download it for a day, and
see which staff read their record."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients import access
from clients.export.models import RecordsExport
from clients.export.selectors import latest_export
from clients.export.services import export_download, export_request
from practice.accountability.auditlog import words
from practice.accountability.records.tasks import build_records_export
from practice.audit.models import AccessEvent
from practice.roles import Role
from practice.tasking import publish


@access.member_required(Role.CLIENT)
def my_records(request: HttpRequest) -> HttpResponse:
    client = access.own_client(request)
    latest = latest_export(client)
    if request.headers.get("HX-Request"):  # the copy's status, polled while it is being prepared
        return render(request, "clients/records_copy.html", {"export": latest})
    # Repeated reads are one line: who, what, how often, first and last time.
    grouped = (AccessEvent.objects.filter(clients__contains=[client.pk], practice_id=client.practice_id)
               .exclude(kind=AccessEvent.Kind.REFUSED)  # refused attempts showed nothing; supervisors see them
               .values("actor__full_name", "actor__email", "role", "view", "kind")
               .annotate(first=Min("at"), last=Max("at"), times=Count("id")).order_by("-last")[:200])
    reads = [{"who": r["actor__full_name"] or r["actor__email"],
              "role": words.role_words(r["role"]),
              "what": words.read_for_client(r["view"], r["kind"]), "first": r["first"], "last": r["last"],
              "times": r["times"]} for r in grouped]
    return render(request, "clients/my_records.html", {"reads": reads, "export": latest})


@access.member_required(Role.CLIENT)
@require_POST
def my_records_prepare(request: HttpRequest) -> HttpResponse:
    client = access.own_client(request)
    export, started = export_request(client=client, user=request.user)
    if started:
        # Broker down: the housekeeping job queues it again; never built inside the request.
        transaction.on_commit(lambda: publish(build_records_export, str(export.pk), inline_if_down=False))
        messages.success(request, "Your copy is being prepared. It usually takes under a minute; this page shows "
                                  "the download link when it is ready.")
    elif export.state == export.State.PREPARING:
        messages.info(request, "Your copy is still being prepared.")
    else:
        messages.info(request, "Your copy from a moment ago is the newest one: use it below.")
    return redirect("my_records")


@access.member_required(Role.CLIENT)
def my_records_download(request: HttpRequest, export_id) -> HttpResponse:
    client = access.own_client(request)
    export = RecordsExport.objects.filter(pk=export_id, client=client).first()
    if export is None:
        raise Http404("No such copy.")
    if not export.downloadable:
        return render(request, "clients/records_copy_gone.html", {"export": export}, status=410)
    response = HttpResponse(export_download(export), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-records.zip"'
    return response
