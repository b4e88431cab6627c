"""Finding code names in what people read: snake_case, True/False, class names and acronyms
run through |lower. Used on pages (tests/test_words.py), emails (tests/conftest.py) and PDFs."""

from __future__ import annotations

import re

CODE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # snake_case
BOOLEAN = re.compile(r"\b(?:True|False)\b")
LOWERED = re.compile(r"\b(?:mdma|ssris?|snris?|maois?|cssrs|c-ssrs|br-wai|cyp2d6)\b")  # a label run through |lower
MODEL_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")  # CamelCase: a class name
# CamelCase that is a name in the world, not in our code.
WORLD_NAMES = {"TripSit", "SimplePractice", "TherapyNotes", "DrugBank", "PostgreSQL", "JavaScript", "WebAuthn"}
# Addresses are not words: emails, links and ids are taken out before scanning.
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|/\S*|\b[0-9a-f]{8}-[0-9a-f-]{27}\b")


def code_names(text: str) -> set[str]:
    plain = NOT_WORDS.sub(" ", text)
    found = set(CODE_NAME.findall(plain)) | set(BOOLEAN.findall(plain)) | set(LOWERED.findall(plain))
    return found | {m for m in MODEL_NAME.findall(plain) if m not in WORLD_NAMES}


def emails_in_words(outbox) -> None:
    """Fail on an email whose subject, text or HTML shows a code name."""
    for message in outbox:
        parts = [message.subject, message.body] + [re.sub(r"<[^>]+>", " ", body)
                                                   for body, kind in getattr(message, "alternatives", [])
                                                   if kind == "text/html"]
        found = code_names(" ".join(parts))
        assert not found, f"code names in the email {message.subject!r}: {sorted(found)}"
