"""What a client is asked to do next, from plain facts (no database access)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    title: str
    detail: str


STAGE_STEPS = {
    "intake": Step("Getting started", "Your therapist will go through your answers with you."),
    "screening": Step("Health and safety screening", "Your therapist will ask about your health, medicines and history "
                      "before any medicine session. Answer as fully as you can: it keeps you safe."),
    "preparation": Step("Prepare together", "You and your therapist are preparing. Think about what you want to work on "
                        "and what helps you feel safe."),
    "medicine": Step("Medicine sessions", "Before each medicine session you will review and sign your plan together."),
    "integration": Step("Integration", "Notice how you are doing day to day and bring it to your next session. "
                        "If you feel unsafe at any time, use the crisis contacts below."),
    "closed": Step("Your course of care has ended", "Your records stay available here. Contact the practice to start again."),
}


FORM_STEPS = {
    "intake": Step("Fill in “About you”", "Your details, who to contact in an emergency, and what you want to work on."),
    "medical": Step("Fill in the medical screening", "Your health, so that sessions are safe for you."),
    "medications": Step("List your medicines and substances", "Everything you take, including supplements and "
                        "recreational drugs: some combine dangerously with MDMA."),
    "psychological": Step("Fill in the psychological screening", "Your history and current wellbeing."),
}


AFTER_SESSION = Step("After your medicine session", "Do not drive or do anything risky on the session day, keep "
                     "the next day free, and rest. Tiredness and low mood for a day or three are common. If you feel "
                     "unsafe, use the crisis contacts below.")


def next_steps(*, stage: str, has_upcoming: bool, has_mfa: bool, unsubmitted: list[str] = (),
               consents_to_sign: list[str] = (), just_had_medicine_session: bool = False) -> list[Step]:
    steps = [AFTER_SESSION] if just_had_medicine_session else []
    if stage in ("intake", "screening", "preparation", "medicine"):
        steps.extend(FORM_STEPS[kind] for kind in FORM_STEPS if kind in unsubmitted)
    steps.extend([STAGE_STEPS[stage]] if stage in STAGE_STEPS else [])
    steps.extend(Step(f"Read and sign: {title}", "Your practice asks for your consent; you can withdraw it later.")
                 for title in consents_to_sign)
    if not has_upcoming and stage != "closed":
        steps.append(Step("No session booked", "Your therapist will arrange your next appointment with you."))
    if not has_mfa:
        steps.append(Step("Protect your account (optional)",
                          "Add a second step to your login with an authenticator app, so nobody else can open your records."))
    return steps
