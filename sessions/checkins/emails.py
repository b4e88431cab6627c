"""The check-in emails: the request to the client and the escalation to supervisors. No answers,
no conditions: a greeting, the practice's name and a link."""

from __future__ import annotations

from practice import delivery
from practice.emails import compose, link
from sessions.checkins.models import CheckIn

SALT = "practice.checkin-link"


def link_token(checkin: CheckIn) -> str:
    return delivery.link_token(checkin, SALT)


def checkin_request(checkin: CheckIn):
    """To the client: the signed link to today's check-in."""
    user = checkin.client.membership.user
    return compose(user.email, "checkin", {
        "name": user.get_short_name(), "practice": checkin.client.practice.name,
        "link": link("checkin_link", link_token(checkin))}, headers={"Message-ID": checkin.message_id})


def escalation(user, client, *, hours: int, what: str = "check-in answer"):
    """To a supervisor: a danger answer (`what`: a check-in or questionnaire answer) nobody
    acknowledged within `hours` (the practice's policy)."""
    return compose(user.email, "escalation", {"practice": client.practice.name, "hours": hours, "what": what,
                                               "link": link("client_detail", client.pk)})
