"""The caseload alert email: a client needs their therapist's attention today (no content)."""

from __future__ import annotations

from practice.emails import compose, link


def attention(user, client):
    return compose(user.email, "danger", {"practice": client.practice.name, "link": link("client_detail", client.pk)})
