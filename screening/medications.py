"""The curated medication table (screening/data/medications.json) and name matching.

Matching is by whole words, ignoring case, accents, punctuation, numbers and units, so
"Zoloft 50 mg", "sertraline50mg" and "SERTRALINE (morning)" all find sertraline, and a
combination product ("Paxlovid", "nirmatrelvir + ritonavir") finds every class it carries.
A name the table does not know matches nothing and stays "unreviewed" until a therapist
classifies it; it is never silently accepted. [Manual: Drug Interactions]
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "medications.json"

# Classes, as named in the data file.
MAOI_IRREVERSIBLE = "maoi_irreversible"
MAOI_REVERSIBLE = "maoi_reversible"
HARMALA = "harmala"
CYP_STRONG_INHIBITOR = "cyp_strong_inhibitor"
SSRI = "ssri"
SNRI = "snri"
CYP2D6_INHIBITOR = "cyp2d6_inhibitor"
CYP2D6_SUBSTRATE = "cyp2d6_substrate"
BLUNTING = "blunting"
CAFFEINE = "caffeine"
OTHER = "other"


def words(text: str) -> tuple[str, ...]:
    """Lower-case letter runs, accents removed: digits, units' numbers and punctuation split words."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return tuple(re.findall(r"[a-z]+", plain))


@dataclass(frozen=True)
class Entry:
    name: str
    classes: frozenset[str]
    patterns: tuple[tuple[str, ...], ...]  # each alias as a word sequence
    half_life_hours: float | None = None  # set only where a pause by half-lives may be suggested


@dataclass(frozen=True)
class Table:
    version: str
    class_help: dict
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Match:
    names: tuple[str, ...]  # table entries found in the text, in table order
    classes: frozenset[str]
    table_version: str

    @property
    def known(self) -> bool:
        return bool(self.names)


def _same_word(text_word: str, alias_word: str) -> bool:
    return text_word == alias_word or text_word == alias_word + "s"  # "coffees", "patches" aside


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(
        all(_same_word(haystack[i + j], needle[j]) for j in range(n)) for i in range(len(haystack) - n + 1)
    )


@lru_cache(maxsize=1)
def load_table(path: Path = TABLE_PATH) -> Table:
    data = json.loads(path.read_text(encoding="utf-8"))
    known_classes = set(data["classes"])
    entries = []
    for item in data["medications"]:
        classes = frozenset(item["classes"])
        unknown = classes - known_classes
        if unknown:
            raise ValueError(f"{item['name']}: unknown classes {sorted(unknown)} in {path.name}")
        patterns = tuple(p for p in (words(alias) for alias in [item["name"], *item.get("aliases", [])]) if p)
        entries.append(Entry(item["name"], classes, patterns, item.get("half_life_hours")))
    return Table(data["version"], data["classes"], tuple(entries))


def entries_in(text: str, table: Table | None = None) -> list[Entry]:
    """The table entries a free text names, in table order."""
    table = table or load_table()
    found = words(text)
    return [e for e in table.entries if any(_contains(found, p) for p in e.patterns)]


def match(text: str, table: Table | None = None) -> Match:
    table = table or load_table()
    hits = entries_in(text, table)
    classes = frozenset().union(*(e.classes for e in hits)) if hits else frozenset()
    return Match(tuple(e.name for e in hits), classes, table.version)
