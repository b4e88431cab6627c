"""The access policy: the one place that decides who sees which client records.

Every view that shows client data gets its clients (and anything hanging off a client)
through the functions here. The rules, from the domain guide section 1:

- a therapist sees the clients on their own active caseload, and may write;
- a supervisor sees the caseloads of the therapists they actively supervise, read-only;
- a client sees their own record;
- a practice admin manages accounts, invitations and assignments, but does not read
  clinical records (minimum necessary);
- nobody sees anything of another practice: such objects are 404, never 403, so their
  existence does not leak. A role that is too low for an action on a visible object is 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render

from clients.caseload.models import CaseloadAssignment, Client
from practice.accountability.concerns.models import Concern, ConcernEntry
from practice.audit.context import note_read
from practice.models import Membership, SupervisionLink
from practice.roles import Role


def member_required(*roles: str):
    """View decorator: the request has an active membership in one of `roles`.

    No login -> login page; no membership at all -> an explanation page; several
    practices and none chosen -> the chooser; wrong role -> 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if membership is None:
                if request.memberships:
                    return redirect("choose_practice")
                return render(request, "practice/no_membership.html", status=403)
            if roles and membership.role not in roles:
                raise PermissionDenied("Your role in this practice does not include this page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def active_assignments() -> QuerySet[CaseloadAssignment]:
    return CaseloadAssignment.objects.filter(ended_at__isnull=True)


def supervised_therapists(membership: Membership) -> QuerySet[Membership]:
    """Therapists this supervisor actively supervises (same practice only)."""
    return Membership.objects.filter(
        practice_id=membership.practice_id,
        role=Role.THERAPIST,
        is_active=True,
        supervisors__supervisor=membership,
        supervisors__ended_at__isnull=True,
    )


def clients_visible_to(membership: Membership | None) -> QuerySet[Client]:
    """The clients whose records `membership` may read."""
    if membership is None or not membership.is_active:
        return Client.objects.none()
    clients = Client.objects.filter(practice_id=membership.practice_id)
    if membership.role == Role.THERAPIST:
        return clients.filter(id__in=active_assignments().filter(therapist=membership).values("client_id"))
    if membership.role == Role.SUPERVISOR:
        links = SupervisionLink.objects.filter(supervisor=membership, ended_at__isnull=True)
        return clients.filter(
            id__in=active_assignments().filter(therapist_id__in=links.values("therapist_id")).values("client_id")
        )
    if membership.role == Role.CLIENT:
        return clients.filter(membership=membership)
    return Client.objects.none()


def report_scope(membership: Membership) -> tuple[QuerySet[Client], QuerySet[Membership]]:
    """(clients, practitioners) a member's reports aggregate over: an admin the whole practice,
    a supervisor their supervisees and the clients on their caseloads, a therapist their own
    caseload. Reports show counts and averages, never a record; other roles get nothing."""
    if membership.role == Role.ADMIN and membership.is_active:
        return (Client.objects.filter(practice_id=membership.practice_id),
                Membership.objects.filter(practice_id=membership.practice_id, role=Role.THERAPIST))
    if membership.role == Role.SUPERVISOR:
        return clients_visible_to(membership), supervised_therapists(membership)
    if membership.role == Role.THERAPIST:
        return clients_visible_to(membership), Membership.objects.filter(pk=membership.pk, is_active=True)
    return Client.objects.none(), Membership.objects.none()


def few_visible_client_ids(membership: Membership, few: int) -> list | None:
    """The ids of the clients a therapist or supervisor may read, when there are at most `few`
    (read from the active assignments, by therapist); None when there are more. A list written
    out lets the planner see how few they are in a large practice."""
    if membership.role == Role.THERAPIST:
        therapists = [membership.pk]
    elif membership.role == Role.SUPERVISOR:
        therapists = supervised_therapists(membership).values("pk")
    else:
        return None
    ids = list(active_assignments().filter(therapist_id__in=therapists, practice_id=membership.practice_id)
               .values_list("client_id", flat=True)[:few + 1])
    return ids if len(ids) <= few else None


def is_concern_reviewer(membership: Membership) -> bool:
    """The practice's accountability contact (or, when none is set, its admins)."""
    contact_id = membership.practice.accountability_contact_id
    return membership.pk == contact_id or (contact_id is None and membership.role == Role.ADMIN)


def concerns_visible_to(membership: Membership | None):
    """Concerns a member may read. Reviewers: the practitioner's supervisors and the
    accountability contact. The practitioner only once a reviewer has shared it; nobody
    reviews a concern about themselves. Clients: their own."""
    if membership is None or not membership.is_active:
        return Concern.objects.none()
    concerns = Concern.objects.filter(practice_id=membership.practice_id).annotate(
        shared=Exists(ConcernEntry.objects.filter(concern=OuterRef("pk"), share=True)))
    if membership.role == Role.CLIENT:
        return concerns.filter(client__membership=membership)
    reviewer = Q(about__in=supervised_therapists(membership)) if membership.role == Role.SUPERVISOR else Q(pk__in=[])
    if is_concern_reviewer(membership):
        reviewer = Q()
    return concerns.filter((reviewer & ~Q(about=membership)) | Q(about=membership, shared=True))


def can_review_concern(membership: Membership, concern) -> bool:
    return concern.about_id != membership.pk and (
        is_concern_reviewer(membership)
        or (membership.role == Role.SUPERVISOR and supervised_therapists(membership).filter(pk=concern.about_id).exists()))


def can_write_client(membership: Membership, client: Client) -> bool:
    """Only a therapist with the client on their active caseload writes clinical records."""
    return (
        membership.role == Role.THERAPIST
        and client.practice_id == membership.practice_id
        and active_assignments().filter(therapist=membership, client=client).exists()
    )


def can_acknowledge(membership: Membership, client: Client) -> bool:
    """Acknowledging an alert is a review act: the client's therapist, or a supervisor who
    can see the client (supervisors otherwise only read)."""
    if membership.role == Role.SUPERVISOR:
        return clients_visible_to(membership).filter(pk=client.pk).exists()
    return can_write_client(membership, client)


def get_client(request, client_id, *, write: bool = False) -> Client:
    """The client `client_id` if the requester may see it (404 otherwise); 403 on a write
    by someone who may only read."""
    client = (
        clients_visible_to(request.membership)
        .select_related("membership__user", "practice")
        .filter(pk=client_id)
        .first()
    )
    if client is None:
        raise Http404("No such client.")
    if write and not can_write_client(request.membership, client):
        raise PermissionDenied("You can read this record but not change it.")
    note_read(request, [client])  # the access log (one row per request, written after the response)
    return client


def get_practice_member(request, membership_id, *, roles=None, inactive_too: bool = False) -> Membership:
    """A membership of the current practice (admin pages); other practices' are 404."""
    members = Membership.objects.filter(practice_id=request.membership.practice_id)
    if not inactive_too:
        members = members.filter(is_active=True)
    if roles:
        members = members.filter(role__in=roles)
    try:
        member = members.select_related("user").filter(pk=membership_id).first()
    except (ValueError, ValidationError):  # not an id at all
        member = None
    if member is None:
        raise Http404("No such member.")
    return member


def own_client(request) -> Client:
    """The requesting client's own record (client role pages); 404 if there is none."""
    client = clients_visible_to(request.membership).select_related("membership__user", "practice").first()
    if client is None:
        raise Http404("No client record.")
    return client
