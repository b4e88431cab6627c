from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test import Client as DjangoTestClient

from practice.models import Membership
from practice.roles import Role

from . import factories as f
from .logscan import pytest_configure, pytest_sessionfinish  # noqa: F401 (no client data in logs, whole run)
from .wordscan import emails_in_words

_password_only_login = DjangoTestClient._login


def _login_with_both_factors(self, user, backend=None):
    # `force_login` in these tests stands for a finished login, second factor included; the
    # middleware refuses staff sessions that never passed it (tests/test_admin_login.py).
    _password_only_login(self, user, backend)
    f.mark_second_factor(self.session, user)


DjangoTestClient._login = _login_with_both_factors


_flush = DatabaseOperations.execute_sql_flush


def _flush_past_the_audit_guard(self, sql_list):
    # Transactional tests end with a TRUNCATE of every table, which the audit tables refuse
    # (practice/audittriggers.py). The suite's database superuser sets the replication role
    # for that one statement, which skips ordinary triggers; an app role cannot (see
    # tests/test_database_roles.py).
    with self.connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        _flush(self, sql_list)
    finally:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


DatabaseOperations.execute_sql_flush = _flush_past_the_audit_guard


def password_only_login(client, user) -> None:
    """A session that skipped the second factor (what the old admin login gave)."""
    _password_only_login(client, user, None)


@pytest.fixture(autouse=True)
def _emails_in_words():
    """Every email any test sends is read for code names (issue 18): subject, text and HTML."""
    yield
    emails_in_words(getattr(mail, "outbox", []))


@pytest.fixture(autouse=True)
def _clean_cache():
    # The cache is real Redis (its own database in tests): rate-limit counters and
    # TOTP replay marks must not leak from one test into the next.
    cache.clear()
    yield


@dataclass
class World:
    """Two practices and one member for each standing role in the access matrix."""

    practice: object
    other_practice: object
    admin: Membership
    therapist: Membership
    other_therapist: Membership
    supervisor: Membership
    unrelated_supervisor: Membership
    client: object  # clients.Client on therapist's caseload
    other_client: object  # on other_therapist's caseload
    outsider: Membership  # a therapist of the other practice
    outsider_admin: Membership
    outsider_client: object

    def membership(self, role: str) -> Membership | None:
        if role in ("client", "other_client"):
            return getattr(self, role).membership
        return getattr(self, role, None)


ROLES = [
    "admin", "therapist", "other_therapist", "supervisor", "unrelated_supervisor",
    "client", "other_client", "outsider", "anonymous",
]


@pytest.fixture
def world(db) -> World:
    p = f.practice("Harbour Practice")
    q = f.practice("Elsewhere Practice")
    therapist = f.member(p, Role.THERAPIST, full_name="Tess Therapist")
    other_therapist = f.member(p, Role.THERAPIST, full_name="Otto Other")
    supervisor = f.member(p, Role.SUPERVISOR, full_name="Sue Supervisor")
    unrelated = f.member(p, Role.SUPERVISOR, full_name="Uma Unrelated")
    f.supervise(supervisor, therapist)
    f.supervise(unrelated, other_therapist)
    outsider = f.member(q, Role.THERAPIST, full_name="Xavier Outsider")
    return World(
        practice=p,
        other_practice=q,
        admin=f.member(p, Role.ADMIN, full_name="Ada Admin"),
        therapist=therapist,
        other_therapist=other_therapist,
        supervisor=supervisor,
        unrelated_supervisor=unrelated,
        client=f.client(p, therapist, full_name="Cora Client"),
        other_client=f.client(p, other_therapist, full_name="Dan Different"),
        outsider=outsider,
        outsider_admin=f.member(q, Role.ADMIN, full_name="Yara Yonder"),
        outsider_client=f.client(q, outsider, full_name="Zed Zone"),
    )


@pytest.fixture
def as_role(client, world):
    """Log the test client in as one of the ROLES (anonymous: logged out)."""

    def login(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(world.membership(role).user)
        return client

    return login
