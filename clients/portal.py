"""What a client is asked to do next, from plain facts (no database access)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    title: str
    detail: str


STAGE_STEPS = {
    "intake": Step("Tell us about yourself", "Your therapist will go through the intake questions with you. "
                   "The online intake form opens here once the practice has switched it on."),
    "screening": Step("Health and safety screening", "Your therapist will ask about your health, medicines and history "
                      "before any medicine session. Answer as fully as you can: it keeps you safe."),
    "preparation": Step("Prepare together", "You and your therapist are preparing. Think about what you want to work on "
                        "and what helps you feel safe."),
    "medicine": Step("Medicine sessions", "Before each medicine session you will review and sign your plan together."),
    "integration": Step("Integration", "Notice how you are doing day to day and bring it to your next session. "
                        "If you feel unsafe at any time, use the crisis contacts below."),
    "closed": Step("Your course of care has ended", "Your records stay available here. Contact the practice to start again."),
}


def next_steps(*, stage: str, has_upcoming: bool, has_mfa: bool) -> list[Step]:
    steps = [STAGE_STEPS[stage]] if stage in STAGE_STEPS else []
    if not has_upcoming and stage != "closed":
        steps.append(Step("No session booked", "Your therapist will arrange your next appointment with you."))
    if not has_mfa:
        steps.append(Step("Protect your account (optional)",
                          "Add a second step to your login with an authenticator app, so nobody else can open your records."))
    return steps
