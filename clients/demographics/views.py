"""The client's optional answers for a state program's report, in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clients import access
from clients.demographics import programs
from clients.demographics.forms import DemographicsForm
from clients.demographics.selectors import latest_for
from clients.demographics.services import answers_save
from practice.posted import posted
from practice.roles import Role


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def demographics(request: HttpRequest, program: str) -> HttpResponse:
    client = access.own_client(request)
    try:
        definition = programs.current(program)
    except KeyError:
        raise Http404("No such program.") from None
    saved = latest_for(client, program)
    form = DemographicsForm(posted(request), definition=definition, initial=DemographicsForm.initial_from(saved))
    if request.method == "POST" and form.is_valid():
        answers_save(client=client, by=request.user, definition=definition, answers=form.answers(),
                     opted_out=form.cleaned_data["opted_out"])
        messages.success(request, "You are left out of the report." if form.cleaned_data["opted_out"]
                         else "Thank you: your answers are saved.")
        return redirect("portal")
    return render(request, "clients/demographics.html", {"form": form, "definition": definition, "saved": saved},
                  status=400 if form.errors else 200)
