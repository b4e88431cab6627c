"""The caseload list's filters and orders, in SQL: a page of 50 costs the same whatever the
caseload's size (reads only; top layer, since it reads check-ins and notes beside clients)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import BooleanField, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from clients.caseload.models import Stage
from clients.caseload.selectors import in_name_order
from clients.consent.models import ConsentKind, ConsentRevocation, ConsentSignature, ConsentTemplateVersion
from practice.timing import TIMING
from screening.models import ScreeningReview
from sessions.checkins.models import CheckInAnswer
from sessions.scheduling.models import Status, TherapySession
from sessions.scheduling.selectors import with_next_session

FLAGS = [("", "Any"), ("danger", "Danger answer in a check-in"), ("overdue", "Note not signed in time"),
         ("caution", "Caution without its rationale"), ("consent", "Informed consent to sign (again)")]
SCREENING = [("", "Any"), ("not_screened", "Not screened"), ("not_eligible", "Not eligible"),
             ("eligible_with_cautions", "Eligible with cautions"), ("eligible", "Eligible")]

# A caution of the client's latest review with no acknowledgement for the same facts (key and
# digest: screening.services.acknowledged_keys). The ORM cannot walk a JSON array, so this one
# condition is SQL; it is a constant (no value from a request is put into it).
OPEN_CAUTION = (
    "EXISTS (SELECT 1 FROM screening_screeningreview r CROSS JOIN LATERAL jsonb_array_elements(r.flags) f "
    "WHERE r.id = (SELECT r2.id FROM screening_screeningreview r2 WHERE r2.client_id = clients_client.id "
    "ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1) AND f->>'tier' = 'caution' AND NOT EXISTS ("
    "SELECT 1 FROM screening_cautionacknowledgement a WHERE a.client_id = r.client_id "
    "AND a.flag_key = f->>'key' AND a.flag_digest = f->>'digest'))")


class CaseloadFilterForm(forms.Form):
    stage = forms.ChoiceField(required=False, choices=[("", "Any stage"), *Stage.choices], label="Stage")
    next = forms.ChoiceField(required=False, label="Next session", choices=[
        ("", "Any"), ("week", "Within 7 days"), ("none", "None booked")])
    screening = forms.ChoiceField(required=False, choices=SCREENING, label="Screening")
    flag = forms.ChoiceField(required=False, choices=FLAGS, label="Needs attention")
    sort = forms.ChoiceField(required=False, label="Order", choices=[
        ("name", "Name"), ("next", "Next session"), ("contact", "Last session, most recent first")])


def _screened(clients: QuerySet, status: str) -> QuerySet:
    """Clients whose screening status (screening.services.review_status) is `status`, in SQL."""
    latest = ScreeningReview.objects.filter(client=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    clients = clients.annotate(latest_review=Subquery(latest))
    if status == "not_screened":
        return clients.filter(latest_review__isnull=True)

    def review(**kw):
        return Exists(ScreeningReview.objects.filter(pk=OuterRef("latest_review"), **kw))

    clients = clients.filter(latest_review__isnull=False)
    blocked = review(flags__contains=[{"tier": "always_avoid"}]) | review(complete=False)
    if status == "not_eligible":
        return clients.filter(blocked)
    cautions = review(flags__contains=[{"tier": "caution"}])
    return clients.filter(~blocked).filter(cautions if status == "eligible_with_cautions" else ~cautions)


def _informed_consent_outstanding(clients: QuerySet) -> QuerySet:
    """Clients asked to sign the practice's informed consent (again): no signature, or the newest
    one is of an older version and not revoked (clients.consent.rules.consent_state, in SQL)."""
    latest = (ConsentTemplateVersion.objects.filter(template__practice=OuterRef("practice"),
                                                    template__kind=ConsentKind.INFORMED)
              .order_by("-number").values("number")[:1])
    newest = ConsentSignature.objects.filter(client=OuterRef("pk"), version__template__kind=ConsentKind.INFORMED
                                             ).order_by("-signed_at")
    clients = clients.annotate(informed_latest=Subquery(latest), signed_number=Subquery(newest.values("version__number")[:1]),
                               newest_signature=Subquery(newest.values("pk")[:1]))
    revoked = Exists(ConsentRevocation.objects.filter(signature=OuterRef("newest_signature")))
    return clients.filter(informed_latest__isnull=False).filter(
        Q(signed_number__isnull=True) | (Q(signed_number__lt=F("informed_latest")) & ~revoked))


def caseload(clients: QuerySet, *, stage="", next="", flag="", sort="name",  # noqa: A002 (the field's name)
             screening="", therapist=None) -> QuerySet:
    """The caseload, filtered and ordered. In name order for a `therapist`, the page is read from
    the caseload order index (clients.caseload.selectors.in_name_order), so a page costs the same
    at 30 clients or 30,000; the other orders sort what the filters leave."""
    clients = with_next_session(clients).annotate(last_contact=Subquery(
        TherapySession.objects.filter(client=OuterRef("pk"), status=Status.COMPLETED)
        .values("client").annotate(last=Max("scheduled_start")).values("last")[:1]))
    if stage:
        clients = clients.filter(stage=stage)
    if next == "week":
        clients = clients.filter(next_session_start__lte=timezone.now() + timedelta(days=7))
    elif next == "none":
        clients = clients.filter(next_session_start__isnull=True)
    if screening:
        clients = _screened(clients, screening)
    if flag == "caution":
        clients = clients.annotate(open_caution=RawSQL(OPEN_CAUTION, [], output_field=BooleanField())).filter(  # noqa: S611
            open_caution=True)
    elif flag == "consent":
        clients = _informed_consent_outstanding(clients)
    elif flag == "danger":
        clients = clients.filter(Exists(CheckInAnswer.objects.filter(
            checkin__client=OuterRef("pk"), danger=True, acknowledgements__isnull=True)))
    elif flag == "overdue":
        cutoff = timezone.now() - TIMING.note_overdue_after
        clients = clients.filter(Exists(TherapySession.objects.filter(
            client=OuterRef("pk"), status=Status.COMPLETED).filter(
            Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, scheduled_start__lt=cutoff)).filter(
            Q(note__isnull=True) | Q(note__signed_at__isnull=True))))
    name = ("membership__user__full_name", "membership__user__email")
    if sort in ("", "name") and therapist is not None:
        return in_name_order(clients, therapist)
    if sort == "next":
        return clients.order_by(F("next_session_start").asc(nulls_last=True), *name)
    if sort == "contact":
        return clients.order_by(F("last_contact").desc(nulls_last=True), *name)
    return clients.order_by(*name)
