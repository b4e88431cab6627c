"""The state programs' report definitions: one data file per program and form version
(`data/<program>-<n>.json`), so a new program or a changed form is data, not code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
IN_FORCE = ("oregon-1",)  # the form each program asks today; earlier versions stay readable


@cache
def definition(version: str) -> dict:
    """The definition of one form version, checked: every item has options with unique keys,
    and every item offers "Prefer not to say"."""
    if not version.replace("-", "").isalnum():
        raise KeyError(version)
    path = DATA / f"{version}.json"
    if not path.is_file():
        raise KeyError(version)
    d = json.loads(path.read_text())
    for item in d["items"]:
        keys = [o["key"] for o in item["options"]]
        if len(keys) != len(set(keys)) or "prefer_not" not in keys:
            raise ValueError(f"{version}: item {item['key']} needs unique option keys and prefer_not")
    return d


def current(program: str) -> dict:
    """The definition in force for a program ("oregon")."""
    for version in IN_FORCE:
        if definition(version)["key"] == program:
            return definition(version)
    raise KeyError(program)


def programs() -> list[dict]:
    return [definition(v) for v in IN_FORCE]
