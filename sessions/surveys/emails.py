"""The alliance survey email: greeting, practice name and the signed link; not the
practitioner's name, nothing clinical."""

from __future__ import annotations

from practice import delivery
from practice.emails import compose, link
from sessions.surveys.models import SurveyRequest

SALT = "practice.survey-link"


def link_token(request: SurveyRequest) -> str:
    return delivery.link_token(request, SALT)


def survey_request(request: SurveyRequest):
    user = request.client.membership.user
    return compose(user.email, "survey", {
        "name": user.get_short_name(), "practice": request.client.practice.name,
        "link": link("survey_link", link_token(request))}, headers={"Message-ID": request.message_id})
