"""What a client is asked to do next, from plain facts (no database access)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    title: str
    detail: str
    target: str = ""  # the URL name of the page where it is done ("" for information only)
    arg: object = None  # that URL's one argument, if it takes one


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
    "intake": Step("Fill in “About you”", "Your details, who to contact in an emergency, and what you want to work on.",
                   "client_form", "intake"),
    "medical": Step("Fill in the medical screening", "Your health, so that sessions are safe for you.",
                    "client_form", "medical"),
    "medications": Step("List your medicines and substances", "Everything you take, including supplements and "
                        "recreational drugs: some combine dangerously with MDMA.", "client_form", "medications"),
    "psychological": Step("Fill in the psychological screening", "Your history and current wellbeing.",
                          "client_form", "psychological"),
}


AFTER_SESSION = Step("After your medicine session", "Do not drive or do anything risky on the session day, keep "
                     "the next day free, and rest. Tiredness and low mood for a day or three are common. If you feel "
                     "unsafe, use the crisis contacts below.")


@dataclass(frozen=True)
class Waiting:
    """What is waiting for the client, as plain facts (ids for the links)."""

    unsubmitted: tuple[str, ...] = ()  # form kinds not submitted yet
    consents_to_sign: tuple[tuple[str, object], ...] = ()  # (title, version id)
    plan_to_sign: int | None = None  # the flight plan version awaiting their signature
    checkins: tuple[tuple[int, object], ...] = ()  # (day, check-in id)
    surveys: tuple[tuple[str, object], ...] = ()  # (practitioner, request id)
    prepare: tuple[tuple[str, object], ...] = ()  # (day in words, medicine session id)


def next_steps(*, stage: str, has_upcoming: bool, has_mfa: bool, waiting: Waiting = Waiting(),
               just_had_medicine_session: bool = False) -> list[Step]:
    """Tasks first, each a link to where it is done; then what to expect."""
    steps = [AFTER_SESSION] if just_had_medicine_session else []
    steps.extend(Step(f"Answer your day {day} check-in", "A minute or two: how you are doing since the session.",
                      "checkin_portal", pk) for day, pk in waiting.checkins)
    if stage in ("intake", "screening", "preparation", "medicine"):
        steps.extend(FORM_STEPS[kind] for kind in FORM_STEPS if kind in waiting.unsubmitted)
    steps.extend(Step(f"Read and sign: {title}", "Your practice asks for your consent; you can withdraw it later.",
                      "consent_sign", pk) for title, pk in waiting.consents_to_sign)
    if waiting.plan_to_sign is not None:
        steps.append(Step(f"Read and sign your flight plan (version {waiting.plan_to_sign})",
                          "Your plan for the medicine session, written with your therapist. Ask for changes before "
                          "signing if anything is not right.", "client_plan"))
    steps.extend(Step(f"Prepare for your medicine session on {day}", "Your list: medicines to pause, food, sleep, "
                      "and your way home. Tick what is done.", "client_prepare", pk) for day, pk in waiting.prepare)
    steps.extend(Step(f"How is your work with {who} going?",
                      "Sixteen short questions, a few minutes; your answers help your care.", "survey_portal", pk)
                 for who, pk in waiting.surveys)
    steps.extend([STAGE_STEPS[stage]] if stage in STAGE_STEPS and not just_had_medicine_session else [])
    if not has_upcoming and stage != "closed":
        steps.append(Step("No session booked", "Your therapist will arrange your next appointment with you."))
    if not has_mfa:
        steps.append(Step("Protect your account (optional)",
                          "Add a second step to your login with an authenticator app, so nobody else can open your "
                          "records.", "mfa_activate_totp"))
    return steps
