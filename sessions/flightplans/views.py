"""Flight plan pages, for the client (portal) and for staff (client record)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from practice.posted import posted
from practice.roles import Role
from sessions.flightplans import selectors, services
from sessions.flightplans.forms import ClientPlanForm, FlightPlanForm, FlightPlanSignForm
from sessions.flightplans.models import CLIENT, THERAPIST, FlightPlanVersion

AIT_NOTE = ("Risk factors for adverse idealising transference were reported: consider witnesses, recording and a "
            "delegate. These factors raise risk; they neither cause nor guarantee it. [Manual: Flight Plan]")


def _urls(client, staff: bool) -> dict:
    if staff:
        kw = {"client_id": client.pk}
        return {"page": reverse("staff_plan", kwargs=kw), "edit": reverse("staff_plan_edit", kwargs=kw),
                "sign": reverse("staff_plan_sign", kwargs=kw), "diff": reverse("staff_plan_diff", kwargs=kw),
                "pdf": lambda n: reverse("staff_plan_pdf", kwargs={**kw, "number": n})}
    return {"page": reverse("client_plan"), "edit": reverse("client_plan_edit"), "sign": reverse("client_plan_sign"),
            "diff": reverse("client_plan_diff"), "pdf": lambda n: reverse("client_plan_pdf", kwargs={"number": n})}


def _review_flags(client) -> list[dict]:
    review = client.screening_reviews.first()
    return review.flags if review else []


def _page(request, client, *, staff: bool, may_write: bool, sign_role: str | None) -> HttpResponse:
    versions = list(FlightPlanVersion.objects.filter(client=client).prefetch_related("signatures__signer")
                    .select_related("author").order_by("-number"))
    latest = versions[0] if versions else None
    urls = _urls(client, staff)
    signed_roles = {s.role for s in latest.signatures.all()} if latest else set()
    in_force, in_force_reason = selectors.plan_in_force(client)
    return render(request, "sessions/flight_plan.html", {
        "client": client, "latest": latest, "versions": versions, "status": selectors.plan_status(latest),
        "rows": selectors.readable(latest.content, for_client=not staff) if latest else [], "urls": urls,
        "latest_pdf_url": urls["pdf"](latest.number) if latest else "",
        # A client adds their parts once the therapist has started the plan.
        "may_write": may_write and (staff or latest is not None), "staff": staff,
        "in_force": in_force, "in_force_reason": in_force_reason,
        "sign_form": FlightPlanSignForm(initial={"version": latest.pk, "content_sha256": latest.content_sha256})
        if latest and sign_role and sign_role not in signed_roles else None,
        "ait_note": AIT_NOTE if any(f["code"] == "ait_risk" for f in _review_flags(client)) else "",
    })


def _edit(request, client, *, staff: bool) -> HttpResponse:
    latest = FlightPlanVersion.objects.filter(client=client).order_by("-number").first()
    if not staff and latest is None:
        # The therapist starts the plan with the client; clients then write their own parts.
        messages.info(request, "Your therapist starts your flight plan with you; then you can add your parts here.")
        return redirect(_urls(client, staff)["page"])
    precautions = [f for f in _review_flags(client) if f["tier"] == "precaution"] if staff else []
    form_class = FlightPlanForm if staff else ClientPlanForm
    form = form_class(posted(request), precautions=precautions,
                      initial=FlightPlanForm.initial_from(latest.content if latest else None))
    if request.method == "POST" and form.is_valid():
        before = latest.content_sha256 if latest else None
        content = form.content() if staff else form.content(latest.content)
        version = services.plan_save(client=client, author=request.user, content=content)
        if latest and version.pk == latest.pk and version.content_sha256 == before:
            messages.info(request, "Nothing changed; the plan stays at its current version.")
        elif latest and version.pk == latest.pk:
            messages.success(request, f"Your draft, version {version.number}, is updated. Both of you sign it to make "
                                      "it final.")
        else:
            messages.success(request, f"Saved as version {version.number}. Both of you sign it to make it final.")
        return redirect(_urls(client, staff)["page"])
    return render(request, "sessions/flight_plan_edit.html", {"client": client, "form": form, "latest": latest,
                                                               "back": _urls(client, staff)["page"],
                                                               "ait_note": AIT_NOTE if any(
                                                                   f["code"] == "ait_risk" for f in precautions) else ""},
                  status=400 if form.errors else 200)


def _sign(request, client, *, staff: bool, role: str) -> HttpResponse:
    form = FlightPlanSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The signature could not be read. Reload the plan and try again.")
    else:
        try:
            services.plan_sign(client=client, user=request.user, role=role, version_id=form.cleaned_data["version"],
                         content_sha256=form.cleaned_data["content_sha256"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Signed.")
    return redirect(_urls(client, staff)["page"])


def _diff(request, client, *, staff: bool) -> HttpResponse:
    versions = {v.number: v for v in FlightPlanVersion.objects.filter(client=client)}
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        older, newer = versions[min(a, b)], versions[max(a, b)]
    except (ValueError, KeyError):
        return render(request, "sessions/flight_plan_diff.html", {"client": client, "error": True,
                                                                  "back": _urls(client, staff)["page"]}, status=400)
    return render(request, "sessions/flight_plan_diff.html", {
        "client": client, "older": older, "newer": newer, "changes": selectors.plan_diff(older.content, newer.content),
        "back": _urls(client, staff)["page"],
    })


def _pdf(client, number: int) -> HttpResponse:
    version = get_object_or_404(FlightPlanVersion, client=client, number=number)
    response = HttpResponse(selectors.flight_plan_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="flight-plan-{version.pk}.pdf"'
    return response


# --- The client's own plan -----------------------------------------------------------------

@access.member_required(Role.CLIENT)
def client_plan(request: HttpRequest) -> HttpResponse:
    return _page(request, access.own_client(request), staff=False, may_write=True, sign_role=CLIENT)


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def client_plan_edit(request: HttpRequest) -> HttpResponse:
    return _edit(request, access.own_client(request), staff=False)


@access.member_required(Role.CLIENT)
@require_POST
def client_plan_sign(request: HttpRequest) -> HttpResponse:
    return _sign(request, access.own_client(request), staff=False, role=CLIENT)


@access.member_required(Role.CLIENT)
def client_plan_diff(request: HttpRequest) -> HttpResponse:
    return _diff(request, access.own_client(request), staff=False)


@access.member_required(Role.CLIENT)
def client_plan_pdf(request: HttpRequest, number: int) -> HttpResponse:
    return _pdf(access.own_client(request), number)


# --- Staff: the caseload therapist writes and signs; the supervisor reads -------------------

@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def staff_plan(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id)
    may_write = access.can_write_client(request.membership, client)
    return _page(request, client, staff=True, may_write=may_write, sign_role=THERAPIST if may_write else None)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def staff_plan_edit(request: HttpRequest, client_id) -> HttpResponse:
    return _edit(request, access.get_client(request, client_id, write=True), staff=True)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def staff_plan_sign(request: HttpRequest, client_id) -> HttpResponse:
    return _sign(request, access.get_client(request, client_id, write=True), staff=True, role=THERAPIST)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def staff_plan_diff(request: HttpRequest, client_id) -> HttpResponse:
    return _diff(request, access.get_client(request, client_id), staff=True)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def staff_plan_pdf(request: HttpRequest, client_id, number: int) -> HttpResponse:
    return _pdf(access.get_client(request, client_id), number)
