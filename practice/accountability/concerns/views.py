"""Client concerns: raised from the portal, read and reviewed by supervisors and the
accountability contact; the practitioner sees one only once it is shared."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clients import access
from practice.accountability.concerns import services as svc
from practice.accountability.concerns.forms import AddForm, RaiseForm, ReviewForm
from practice.accountability.concerns.models import ConcernEntry
from practice.audit.context import note_read
from practice.posted import posted
from practice.roles import Role
from sessions.scheduling.models import TherapySession


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def portal_list(request: HttpRequest) -> HttpResponse:
    client = access.own_client(request)
    practitioners = [a.therapist for a in client.assignments.select_related("therapist__user")]
    form = RaiseForm(posted(request), practitioners=practitioners)
    if request.method == "POST" and form.is_valid():
        try:
            concern = svc.concern_raise(client=client, by=request.membership, about_id=form.cleaned_data["about"],
                                        category=form.cleaned_data["category"], text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Your concern is with the practice. You can follow it here.")
            return redirect("portal_concern", concern_id=concern.pk)
    concerns = [(c, svc.status_of(c.entries.all())) for c in
                access.concerns_visible_to(request.membership).select_related("about__user").prefetch_related("entries")]
    return render(request, "practice/concerns_portal.html", {"form": form, "concerns": concerns},
                  status=400 if form.errors else 200)


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def portal_detail(request: HttpRequest, concern_id) -> HttpResponse:
    concern = access.concerns_visible_to(request.membership).select_related("about__user", "client").filter(
        pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern.")
    form = AddForm(posted(request))
    if request.method == "POST" and form.is_valid():
        svc.client_add(concern=concern, by=request.membership, text=form.cleaned_data["text"])
        messages.success(request, "Added to your concern.")
        return redirect("portal_concern", concern_id=concern.pk)
    entries = list(concern.entries.select_related("author__user"))
    return render(request, "practice/concern_portal.html", {
        "concern": concern, "form": form, "status": svc.status_of(entries),
        "mine": [e for e in entries if e.kind == ConcernEntry.Kind.CLIENT],
        "replies": [e for e in entries if e.reply],
        "changes": [e for e in entries if e.status]}, status=400 if form.errors else 200)


@access.member_required(Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR)
def staff_list(request: HttpRequest) -> HttpResponse:
    concerns = list(access.concerns_visible_to(request.membership)
                    .select_related("about__user", "client__membership__user").prefetch_related("entries"))
    note_read(request, [c.client_id for c in concerns])
    rows = [(c, svc.status_of(c.entries.all())) for c in concerns]
    return render(request, "practice/concerns_staff.html", {"rows": rows})


@access.member_required(Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, concern_id) -> HttpResponse:
    concern = (access.concerns_visible_to(request.membership).select_related("about__user", "client__membership__user")
               .filter(pk=concern_id).first())
    if concern is None:
        raise Http404("No such concern.")
    reviewer = access.can_review_concern(request.membership, concern)
    sessions = list(TherapySession.objects.filter(client=concern.client, practitioner=concern.about)
                    .order_by("-scheduled_start")[:50]) if reviewer else []
    form = ReviewForm(posted(request), sessions=sessions) if reviewer else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such concern.")
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["session"] = next((x for x in sessions if str(x.pk) == data["session"]), None)
            try:
                svc.review_add(concern=concern, by=request.membership, **data)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, "Saved to the concern's record.")
                return redirect("concern_detail", concern_id=concern.pk)
    note_read(request, [concern.client_id])
    entries = list(concern.entries.select_related("author__user", "session"))
    visible = entries if reviewer else [e for e in entries if e.kind == ConcernEntry.Kind.CLIENT or e.status]
    return render(request, "practice/concern_staff.html", {
        "concern": concern, "entries": visible, "form": form, "reviewer": reviewer,
        "status": svc.status_of(entries)}, status=400 if form is not None and form.errors else 200)
