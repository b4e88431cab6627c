"""Stage suggestions (pure): events of the record propose the next stage; the therapist confirms
it or keeps the stage, and a kept stage is not proposed again for the same event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Suggestion:
    stage: str
    label: str
    why: str


def suggest_stage(*, stage: str, confirmed_at: datetime, screening_complete_at: datetime | None,
                  medicine_done_at: datetime | None, medicine_day: str = "",
                  checkins_done: bool = False) -> Suggestion | None:
    """The stage the latest event points to, if it came after the stage was last confirmed."""
    if stage in ("preparation", "medicine") and medicine_done_at and medicine_done_at > confirmed_at:
        after = " and its last check-in is answered" if checkins_done else ""
        return Suggestion("integration", "Integration", f"The medicine session of {medicine_day} is done{after}.")
    if stage in ("intake", "screening") and screening_complete_at and screening_complete_at > confirmed_at:
        return Suggestion("preparation", "Preparation", "The screening is complete: all four forms are submitted.")
    return None
