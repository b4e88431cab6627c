"""Intake and screening pages: the forms (client or therapist), and the therapist's review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clients import access
from clients.intake.forms import IntakeForm, SupportPeopleFormSet
from practice.posted import posted
from practice.roles import Role
from practice.wording import as_written
from screening import forms as sf
from screening.forms import TITLES
from screening.medications import load_table
from screening.models import PolicyVersion, ScreeningReview
from screening.policy import DEFAULT_POLICY, LABELS, STRICTER, VITAL_NAMES, shown
from screening.rules import TIER_LABELS, TIER_ORDER
from screening.selectors import answers_changed, dose_for, readable_answers
from screening.services import (
    KINDS,
    RATIONALE_MIN,
    caution_acknowledge,
    latest_version,
    policy_update,
    practice_policy,
    review_status,
    substance_classify,
    suicide_risk,
    version_save,
)


def _bind(kind: str, data, record, client=None):
    """The main form and its row formset (or None) for `kind`: bound to POST data, or showing
    the record. (A bound formset must not get initial rows: unchanged rows would be skipped.)"""
    shown = record if data is None else None
    if kind == "intake":
        form = IntakeForm(data, initial=IntakeForm.initial_from(shown, client.practice.time_zone if client else "UTC"))
        if shown is None and data is None:  # a default, which the browser's zone may replace (static/js/zone.js)
            form.fields["time_zone"].widget.attrs["data-browser-zone"] = ""
        rows = SupportPeopleFormSet(data, prefix="support", initial=shown.support_people if shown else None)
    elif kind == "medications":
        form = sf.MedicationListForm(data, initial={"none_taken": shown.none_taken} if shown else None)
        initial = list(shown.entries.values("name", "dose_text", "since", "stopped_on", "critical")) if shown else None
        rows = sf.MedicationEntryFormSet(data, prefix="meds", initial=initial)
    else:
        form_class = sf.MedicalForm if kind == "medical" else sf.PsychologicalForm
        form = form_class(data, initial=shown.answers() if shown else None)
        rows = None
    return form, rows


def _answers(kind: str, form, rows) -> tuple[dict, list | None]:
    data = dict(form.cleaned_data)
    if kind == "intake":
        data["support_people"] = [r for r in (f.cleaned_data for f in rows.forms) if r.get("name")]
        return data, None
    if kind == "medications":
        return data, [r for r in (f.cleaned_data for f in rows.forms) if r.get("name")]
    return data, None


def _validate(kind: str, form, rows, submit: bool) -> bool:
    if not submit:  # a draft may be incomplete, but what is there must be valid
        for field in form.fields.values():
            field.required = False
    valid = form.is_valid() and (rows is None or rows.is_valid())
    if valid and kind == "medications":
        listed = [f for f in rows.forms if f.cleaned_data.get("name")]
        if form.cleaned_data["none_taken"] and listed:
            form.add_error("none_taken", "You ticked 'none' but listed some: clear one or the other.")
        elif submit and not form.cleaned_data["none_taken"] and not listed:
            form.add_error("none_taken", "List what you take, or tick that you take nothing.")
        valid = not form.errors
    return valid


def _form_page(request: HttpRequest, client, kind: str, done_url: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such form.")
    record = latest_version(KINDS[kind], client)
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        form, rows = _bind(kind, request.POST, record, client)
        if _validate(kind, form, rows, submit):
            answers, entries = _answers(kind, form, rows)
            try:
                version_save(kind=kind, client=client, user=request.user, answers=answers, entries=entries,
                             submit=submit)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{TITLES[kind]}: submitted. Thank you." if submit else
                                 f"{TITLES[kind]}: draft saved. Submit it when you are ready.")
                risk = suicide_risk(client.screening_reviews.first()) if submit and kind == "psychological" else None
                if risk:
                    # Any yes on the screener (as the stored review reads it): support is shown now,
                    # on the page the client is on.
                    return render(request, "screening/support.html", {
                        "risk": risk, "done_url": done_url, "client": client,
                        "by_client": request.membership.role == Role.CLIENT})
                return redirect(done_url if submit else request.path)
        status = 400
    else:
        form, rows = _bind(kind, None, record, client)
        status = 200
    return render(request, "screening/form.html", {
        "client": client, "kind": kind, "title": TITLES[kind], "form": form, "rows": rows, "record": record,
    }, status=status)


@access.member_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def client_form(request: HttpRequest, kind: str) -> HttpResponse:
    return _form_page(request, access.own_client(request), kind, reverse("portal"))


@access.member_required(Role.THERAPIST)
@require_http_methods(["GET", "POST"])
def therapist_form(request: HttpRequest, client_id, kind: str) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    return _form_page(request, client, kind, reverse("screening_review", kwargs={"client_id": client.pk}))


def fact_label(key: str) -> str:
    """ "days_between" -> "Days between", "cyp2d6" -> "CYP2D6", "total_mg" -> "Total (mg)"."""
    return as_written(key, capital=True)


def _grouped(review: ScreeningReview | None, acks) -> list[tuple[str, list[dict]]]:
    if review is None:
        return []
    done = {(a.flag_key, a.flag_digest): a for a in acks}
    groups = {tier: [] for tier in TIER_ORDER}
    for f in review.flags:
        facts = [(fact_label(k), v) for k, v in f["facts"]]
        groups[f["tier"]].append({**f, "facts": facts, "ack": done.get((f["key"], f["digest"]))})
    return [(TIER_LABELS[t], groups[t]) for t in TIER_ORDER]


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def review(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id)
    latest = client.screening_reviews.select_related("intake").first()
    acks = list(client.caution_acknowledgements.select_related("acknowledged_by__user"))
    policy = practice_policy(client.practice_id)
    dose = dose_for(latest, client, policy)
    forms_state = [(kind, TITLES[kind], latest_version(model, client)) for kind, model in KINDS.items()]
    return render(request, "screening/review.html", {
        "client": client, "review": latest, "groups": _grouped(latest, acks), "status": review_status(latest, acks),
        "can_write": access.can_write_client(request.membership, client), "dose": dose, "forms_state": forms_state,
        "history": client.screening_reviews.all()[:20], "acks": acks,
        "class_choices": list(load_table().class_help.items()), "policy": policy,
    })


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def acknowledge(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    latest = client.screening_reviews.first()
    form = sf.AcknowledgeForm(request.POST)
    if latest is None or not form.is_valid():
        messages.error(request, f"Write a rationale of at least a sentence ({RATIONALE_MIN} characters) to acknowledge "
                                "a caution.")
    else:
        try:
            caution_acknowledge(review=latest, flag_key=form.cleaned_data["flag_key"],
                                rationale=form.cleaned_data["rationale"], by=request.membership)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Caution acknowledged; your rationale is on record.")
    return redirect("screening_review", client_id=client.pk)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
@require_POST
def classify(request: HttpRequest, client_id) -> HttpResponse:
    client = access.get_client(request, client_id, write=True)
    form = sf.ClassifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the interaction classes from the list.")
    else:
        try:
            substance_classify(client=client, name=form.cleaned_data["name_key"], classes=form.cleaned_data["classes"],
                               note=form.cleaned_data["note"], by=request.membership)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Substance classified; the screening was evaluated again.")
    return redirect("screening_review", client_id=client.pk)


@access.member_required(Role.ADMIN, Role.THERAPIST, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    practice_id = request.membership.practice_id
    current = practice_policy(practice_id)
    is_admin = request.membership.role == Role.ADMIN
    form = sf.PolicyForm(posted(request), current=current) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied("Only practice admins change the safety policy.")
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                policy_update(by=request.membership, values=values, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Policy saved. It applies to screenings evaluated from now on.")
                return redirect("policy")
    rows = [(LABELS[name], shown(getattr(DEFAULT_POLICY, name)), shown(getattr(current, name))) for name in STRICTER]
    history = PolicyVersion.objects.filter(practice_id=practice_id).select_related("created_by__user")[:20]
    return render(request, "screening/policy.html", {"rows": rows, "form": form, "history": history, "policy": current,
        "vitals_limits": [(VITAL_NAMES[n], low, high) for n, low, high in current.vitals_limits],
        "vitals_usual": [(VITAL_NAMES[n], low, high) for n, low, high in current.vitals_usual]},
                  status=400 if form is not None and form.errors else 200)


@access.member_required(Role.THERAPIST, Role.SUPERVISOR)
def form_read(request: HttpRequest, client_id, kind: str, number: int) -> HttpResponse:
    """A submitted form, read-only, with what changed from the version before (nothing here
    starts a new version: the edit page does)."""
    client = access.get_client(request, client_id)
    if kind not in KINDS:
        raise Http404("No such form.")
    versions = {v.number: v for v in KINDS[kind].objects.filter(client=client, submitted_at__isnull=False,
                                                                number__lte=number).order_by("-number")[:2]}
    record = versions.get(number)
    if record is None:
        raise Http404("No such version.")
    rows = readable_answers(kind, record)
    earlier = max((n for n in versions if n < number), default=None)
    changes = answers_changed(readable_answers(kind, versions[earlier]), rows) if earlier else None
    later = KINDS[kind].objects.filter(client=client, submitted_at__isnull=False, number__gt=number).order_by(
        "number").values_list("number", flat=True).first()
    return render(request, "screening/form_read.html", {
        "client": client, "kind": kind, "title": TITLES[kind], "record": record, "rows": rows, "changes": changes,
        "earlier": earlier, "later": later, "can_write": access.can_write_client(request.membership, client)})
