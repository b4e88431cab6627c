"""Questionnaires as data: one JSON definition per instrument version, and pure scoring.

A definition lists its response options (value and label), its items (number, text,
subscale, reverse key) and its subscales. Total = sum of scored items; each subscale = sum of
its scored items; a reverse-keyed item scores (lowest + highest option) - answer. A stored
response keeps the version and a copy of the definition it answered, so changing a file later
never rewrites old scores. The BR-WAI ships first (../shared/brwai.md); the symptom measures
PHQ-9, GAD-7 and PCL-5 (issue 20) add their published severity bands (`bands`, covering every
possible total once) and the items whose answer is a danger sign (`danger_items`: PHQ-9
question 9 answered above "Not at all").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "instruments"


class AnswerError(ValueError):
    """Answers that cannot be scored; the message is fit to show on the form."""


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    subscale: str
    reverse: bool


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    title: str
    short_title: str
    instructions: str
    options: tuple[tuple[int, str], ...]
    subscales: dict
    items: tuple[Item, ...]
    definition: dict  # the file as loaded, stored with each response
    bands: tuple[tuple[int, int, str], ...] = ()  # (lowest total, highest total, label)
    danger_items: tuple[tuple[int, int, str], ...] = ()  # (item number, answer at least, reason)

    @property
    def low(self) -> int:
        return min(v for v, _ in self.options)

    @property
    def high(self) -> int:
        return max(v for v, _ in self.options)

    def label(self, value: int) -> str:
        return dict(self.options)[value]


def from_definition(d: dict) -> Instrument:
    items = tuple(Item(i["number"], i["text"], i["subscale"], bool(i.get("reverse"))) for i in d["items"])
    if sorted(i.number for i in items) != list(range(1, len(items) + 1)):
        raise ValueError(f"{d['key']}: items must be numbered 1..n")
    if any(i.subscale not in d["subscales"] for i in items):
        raise ValueError(f"{d['key']}: an item names an unknown subscale")
    instrument = Instrument(
        d["key"], str(d["version"]), d["title"], d.get("short_title", d["title"]), d["instructions"],
        tuple((o["value"], o["label"]) for o in d["options"]), dict(d["subscales"]), items, d,
        tuple((b["from"], b["to"], b["label"]) for b in d.get("bands", [])),
        tuple((x["number"], x["at_least"], x["reason"]) for x in d.get("danger_items", [])))
    if instrument.bands:
        lowest, highest = instrument.low * len(items), instrument.high * len(items)
        covered = [t for low, high, _ in instrument.bands for t in range(low, high + 1)]
        if covered != list(range(lowest, highest + 1)):
            raise ValueError(f"{d['key']}: bands must cover every total from {lowest} to {highest} once, in order")
    if any(not 1 <= number <= len(items) for number, _, _ in instrument.danger_items):
        raise ValueError(f"{d['key']}: a danger item names no item")
    return instrument


@cache
def load(key: str, version: str | None = None) -> Instrument:
    """The named version, or the newest one shipped."""
    if version is None:
        versions = sorted((p for p in DATA.glob(f"{key}-*.json")), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if not versions:
            raise LookupError(key)
        path = versions[-1]
    else:
        path = DATA / f"{key}-{version}.json"
    return from_definition(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Scores:
    total: int
    subscales: dict[str, int]
    mean: Decimal  # mean item score, 2 places


def clean_answers(instrument: Instrument, raw: dict) -> dict[int, int]:
    """Every item answered with one of the options, or AnswerError naming what is wrong."""
    values = {v for v, _ in instrument.options}
    answers, missing = {}, []
    for item in instrument.items:
        value = raw.get(item.number, raw.get(str(item.number)))
        if value in (None, ""):
            missing.append(item.number)
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise AnswerError(f"Question {item.number}: choose one of the answers given.") from None
        if value not in values:
            raise AnswerError(f"Question {item.number}: choose one of the answers given.")
        answers[item.number] = value
    if missing:
        raise AnswerError("Please answer every question (missing: " + ", ".join(map(str, missing)) + ").")
    if set(map(str, raw)) - {str(i.number) for i in instrument.items}:
        raise AnswerError("The answers do not match this survey's questions.")
    return answers


def score(instrument: Instrument, answers: dict[int, int]) -> Scores:
    answers = clean_answers(instrument, answers)
    scored = {i.number: (instrument.low + instrument.high - answers[i.number]) if i.reverse else answers[i.number]
              for i in instrument.items}
    subscales = {key: sum(scored[i.number] for i in instrument.items if i.subscale == key)
                 for key in instrument.subscales}
    total = sum(scored.values())
    mean = (Decimal(total) / len(instrument.items)).quantize(Decimal("0.01"))
    return Scores(total, subscales, mean)


def band(instrument: Instrument, total: int) -> str:
    """The published severity band of a total ("" for an instrument without bands)."""
    return next((label for low, high, label in instrument.bands if low <= total <= high), "")


def danger_reasons(instrument: Instrument, answers: dict[int, int]) -> list[str]:
    """Why these answers need a practitioner at once (empty when they do not)."""
    answers = clean_answers(instrument, answers)
    return [reason for number, at_least, reason in instrument.danger_items if answers[number] >= at_least]
