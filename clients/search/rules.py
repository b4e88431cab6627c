"""What a search box's text becomes before it is matched (pure)."""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 100  # longer than any name with an email; a pasted essay is cut, not refused
MIN_LENGTH = 2


def normalise(text: str) -> str:
    """Lowercased, accents removed, control characters and extra spaces dropped, cut to
    MAX_LENGTH. The same shape as the stored search text (the database's unaccent + lower)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and (ch.isprintable() or ch.isspace()))
    return " ".join(text.lower().split())[:MAX_LENGTH]
