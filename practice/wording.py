"""Names made of code words, as people write them: acronyms in capitals, units in brackets.
One table for every screen that turns a field or fact name into words (the audit log's field
names, the screening review's facts)."""

from __future__ import annotations

ACRONYMS = {"mdma": "MDMA", "cssrs": "C-SSRS", "cyp2d6": "CYP2D6", "ait": "AIT", "qt": "QT", "ssri": "SSRI",
            "snri": "SNRI", "maoi": "MAOI", "mg": "(mg)", "kg": "(kg)", "ml": "(ml)", "ip": "IP",
            "sha256": "SHA-256"}


def as_written(name: str, *, capital: bool = False) -> str:
    """ "caffeine_mg_per_day" or "caffeine mg per day" -> "caffeine (mg) per day"."""
    text = " ".join(ACRONYMS.get(w, w) for w in name.replace("_", " ").split(" "))
    return text[:1].upper() + text[1:] if capital else text
