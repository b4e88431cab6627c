"""The crisis lines the app shows, defined once. Templates get them as `crisis_lines` (context
processor; error pages pass them in) and render `includes/crisis_line.html`, so a number is
changed here and nowhere else. Nothing here calls anyone: these are tap-to-call links."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    name: str
    number: str  # as shown
    tel: str  # as dialled

    @property
    def href(self) -> str:
        return f"tel:{self.tel}"


@dataclass(frozen=True)
class CrisisLines:
    # Psychedelic peer support [Manual: Integration; the domain guide's check-in section].
    peer: Line = Line("Fireside Project (US), psychedelic peer support", "+1 (623) 473-7433", "+16234737433")
    # Suicidal crisis: call or text.
    suicide: Line = Line("988 Suicide & Crisis Lifeline (US), call or text", "988", "988")


CRISIS = CrisisLines()
