"""The database itself refuses links across practices and duplicate memberships."""

import pytest
from django.db import IntegrityError, transaction

from clients.models import CaseloadAssignment, Client
from practice.models import Membership, SupervisionLink
from practice.roles import Role

from . import factories as f


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()
        # The composite keys are deferred: force the check inside this block.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_caseload_cannot_cross_practices(world):
    _refused(lambda: CaseloadAssignment.objects.create(
        practice=world.practice, therapist=world.outsider, client=world.client))
    _refused(lambda: CaseloadAssignment.objects.create(
        practice=world.other_practice, therapist=world.outsider, client=world.client))


def test_supervision_cannot_cross_practices(world):
    _refused(lambda: SupervisionLink.objects.create(
        practice=world.practice, supervisor=world.supervisor, therapist=world.outsider))


def test_client_membership_must_be_of_the_same_practice(world):
    m = f.member(world.other_practice, Role.CLIENT)
    _refused(lambda: Client.objects.create(practice=world.practice, membership=m))


def test_one_membership_per_practice_and_valid_roles(world):
    _refused(lambda: Membership.objects.create(user=world.therapist.user, practice=world.practice, role="client"))
    _refused(lambda: Membership.objects.create(user=f.user(), practice=world.practice, role="owner"))


def test_one_active_assignment_and_no_self_supervision(world):
    _refused(lambda: CaseloadAssignment.objects.create(
        practice=world.practice, therapist=world.therapist, client=world.client))
    _refused(lambda: SupervisionLink.objects.create(
        practice=world.practice, supervisor=world.supervisor, therapist=world.supervisor))


def test_emails_are_unique_ignoring_case(world):
    from practice.models import User

    _refused(lambda: User.objects.create(email=world.therapist.user.email.upper()))
