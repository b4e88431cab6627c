"""The access policy functions themselves, role by role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from clients import access

EXPECTED_VISIBLE = {
    "admin": set(),
    "therapist": {"Cora Client"},
    "other_therapist": {"Dan Different"},
    "supervisor": {"Cora Client"},
    "unrelated_supervisor": {"Dan Different"},
    "client": {"Cora Client"},
    "other_client": {"Dan Different"},
    "outsider": {"Zed Zone"},
}


@pytest.mark.parametrize("role,names", EXPECTED_VISIBLE.items())
def test_clients_visible_to(world, role, names):
    visible = access.clients_visible_to(world.membership(role)).select_related("membership__user")
    assert {c.membership.user.full_name for c in visible} == names


def test_nobody_without_membership_sees_anything(world):
    assert not access.clients_visible_to(None).exists()
    world.therapist.is_active = False
    assert not access.clients_visible_to(world.therapist).exists()


@pytest.mark.parametrize("role,can_write", [
    ("therapist", True), ("supervisor", False), ("client", False), ("admin", False),
])
def test_only_caseload_therapist_writes(world, role, can_write):
    assert access.can_write_client(world.membership(role), world.client) is can_write


def _request(membership):
    request = RequestFactory().get("/")
    request.membership = membership
    return request


def test_get_client_404_for_invisible_and_403_for_read_only_write(world):
    with pytest.raises(Http404):
        access.get_client(_request(world.other_therapist), world.client.pk)
    with pytest.raises(PermissionDenied):
        access.get_client(_request(world.supervisor), world.client.pk, write=True)
    assert access.get_client(_request(world.therapist), world.client.pk, write=True) == world.client


def test_supervision_link_that_ended_stops_visibility(world):
    from django.utils import timezone

    world.supervisor.supervisees.update(ended_at=timezone.now())
    assert not access.clients_visible_to(world.supervisor).exists()
    assert not access.supervised_therapists(world.supervisor).exists()
