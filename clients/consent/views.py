"""Consent pages: admins write documents, clients sign and withdraw, staff see and download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from clients.caseload.selectors import in_name_order
from clients.consent import selectors as consent_selectors
from clients.consent import services as consent_services
from clients.consent.forms import ConsentRevokeForm, ConsentSignForm, ConsentTemplateForm
from clients.consent.models import ConsentDraft, ConsentKind, ConsentSignature, ConsentTemplateVersion
from clients.consent.pdf import consent_pdf
from practice.audit.context import note_read
from practice.clientip import client_ip
from practice.paging import page_of
from practice.posted import posted
from practice.roles import Role


@access.member_required(Role.ADMIN, Role.SUPERVISOR)
def templates(request: HttpRequest) -> HttpResponse:
    """The documents (admins edit them) and every correction published without re-signing, with
    both texts, for supervisors and admins to check it changed nothing clients agreed to."""
    practice_id = request.membership.practice_id
    latest = {v.template.kind: v for v in consent_selectors.latest_versions(practice_id).values()}
    drafts = set(ConsentDraft.objects.filter(practice_id=practice_id).values_list("kind", flat=True))
    rows = [(kind, label, latest.get(kind), kind in drafts) for kind, label in ConsentKind.choices]
    corrections = []
    for version in (ConsentTemplateVersion.objects.filter(template__practice_id=practice_id, needs_resign=False)
                    .select_related("template", "created_by__user").order_by("-created_at")[:50]):
        before = version.template.versions.filter(number=version.number - 1).first()
        corrections.append((version, before))
    return render(request, "clients/consent_templates.html", {
        "rows": rows, "corrections": corrections, "may_edit": request.membership.role == Role.ADMIN})


@access.member_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """Draft, preview, then publish: for clients to sign again, or as a correction with a reason."""
    if kind not in ConsentKind.values:
        raise Http404("No such kind of consent.")
    practice_id = request.membership.practice_id
    current = (ConsentTemplateVersion.objects.filter(template__practice_id=practice_id, template__kind=kind)
               .order_by("-number").first())
    draft = ConsentDraft.objects.filter(practice_id=practice_id, kind=kind).first()
    source = draft or current
    initial = {"title": source.title, "body": source.body} if source else {"title": ConsentKind(kind).label}
    form = ConsentTemplateForm(posted(request), initial=initial)
    action = request.POST.get("action", "draft")
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "publish":
                version = consent_services.template_write(by=request.membership, kind=kind, title=data["title"],
                                                          body=data["body"])
                messages.success(request, f"Published version {version.number}. Clients are asked to sign it.")
                return redirect("consent_templates")
            if action == "correct":
                if not data["correction_reason"].strip():
                    raise consent_services.ConsentError(
                        "Say what the correction changes and why clients need not sign again, or publish it for "
                        "them to sign.")
                version = consent_services.template_write(by=request.membership, kind=kind, title=data["title"],
                                                          body=data["body"], correction_reason=data["correction_reason"])
                messages.success(request, f"Published version {version.number} as a correction: signatures stay "
                                          "in force.")
                return redirect("consent_templates")
            draft = consent_services.draft_save(by=request.membership, kind=kind, title=data["title"],
                                                body=data["body"])
            if action == "preview":
                preview = consent_selectors.preview(kind, data["title"], data["body"],
                                                    (current.number + 1) if current else 1)
            else:
                messages.success(request, "Draft saved. Clients see nothing of it until you publish.")
                return redirect("consent_edit", kind=kind)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "clients/consent_edit.html", {
        "form": form, "kind": ConsentKind(kind), "current": current, "draft": draft, "preview": preview},
        status=400 if form.errors else 200)


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, version_id: int) -> HttpResponse:
    client = access.own_client(request)
    version = get_object_or_404(ConsentTemplateVersion.objects.select_related("template"), pk=version_id,
                                template__practice_id=client.practice_id)
    text = consent_selectors.render(version, client)
    form = ConsentSignForm(posted(request), initial={"version": version.pk, "text_sha256": consent_services.sha256(text)})
    if request.method == "POST" and form.is_valid():
        try:
            consent_services.consent_sign(client=client, user=request.user, version_id=form.cleaned_data["version"],
                                          text_sha256=form.cleaned_data["text_sha256"],
                                          typed_name=form.cleaned_data["typed_name"], ip_address=client_ip(request),
                                          user_agent=request.META.get("HTTP_USER_AGENT", ""))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Signed: {version.title}. You can download a copy from your page.")
            return redirect("portal")
    return render(request, "clients/consent_sign.html", {"version": version, "text": text, "form": form},
                  status=400 if form.errors else 200)


@access.member_required(Role.CLIENT)
@require_POST
def revoke(request: HttpRequest, signature_id) -> HttpResponse:
    client = access.own_client(request)
    signature = get_object_or_404(ConsentSignature, pk=signature_id, client=client)
    form = ConsentRevokeForm(request.POST)
    if form.is_valid():
        try:
            consent_services.consent_revoke(signature=signature, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Withdrawn: {signature.version.title}. Your therapist will be told.")
    else:
        messages.error(request, "The reason is too long (2000 characters at most).")
    return redirect("portal")


def _pdf_response(signature: ConsentSignature) -> HttpResponse:
    response = HttpResponse(consent_pdf(signature), content_type="application/pdf")
    # Opaque id in the file name: no names or document titles in URLs or headers.
    response["Content-Disposition"] = f'attachment; filename="consent-{signature.pk}.pdf"'
    return response


@access.member_required(Role.CLIENT)
def pdf_own(request: HttpRequest, signature_id) -> HttpResponse:
    client = access.own_client(request)
    return _pdf_response(get_object_or_404(ConsentSignature.objects.select_related("version", "signer"),
                                           pk=signature_id, client=client))


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def pdf_staff(request: HttpRequest, client_id, signature_id) -> HttpResponse:
    client = access.get_client(request, client_id)
    return _pdf_response(get_object_or_404(ConsentSignature.objects.select_related("version", "signer"),
                                           pk=signature_id, client=client))


PAGE_SIZE = 50


@access.member_required(Role.THERAPIST)
def outstanding(request: HttpRequest) -> HttpResponse:
    """Each client's consent states, 50 a page in name order (read without counting the caseload)."""
    listed = in_name_order(access.clients_visible_to(request.membership).select_related("membership__user"),
                           request.membership)
    page = page_of(listed, request.GET.get("page"), PAGE_SIZE)
    versions, states = consent_selectors.states_for(page.object_list, request.membership.practice_id)
    rows = [(c, [states[c.pk][v.template_id] for v in versions]) for c in page.object_list]
    note_read(request, page.object_list)
    return render(request, "clients/consent_outstanding.html", {"versions": versions, "rows": rows, "page": page})
