"""Finding code names in what people read: snake_case, True/False, class names and acronyms
run through |lower. Used on pages (tests/test_words.py), emails (tests/conftest.py) and PDFs."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from pypdf import PdfReader

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


def visible_code_names(response) -> set[str]:
    """Code names in what a response shows: an HTML page's text and labels, a PDF's text, a CSV."""
    kind = response.get("Content-Type", "")
    if kind.startswith("text/html"):
        page = VisibleText()
        page.feed(response.content.decode())
        return code_names(" ".join(page.parts))
    if kind.startswith("application/pdf"):
        return code_names(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    if kind.startswith("text/csv"):
        return code_names(response.content.decode())
    return set()


class VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes outside script/style, and the labels a screen
    reader reads out (aria-label, alt, title, placeholder, a button's value)."""

    SILENT = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.quiet = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.SILENT:
            self.quiet += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for name in ("aria-label", "alt", "title", "placeholder"):
            if a.get(name):
                self.parts.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in self.SILENT and self.quiet:
            self.quiet -= 1

    def handle_data(self, data):
        if not self.quiet and data.strip():
            self.parts.append(data)
