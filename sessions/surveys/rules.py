"""Rupture alerts on BR-WAI ratings: pure rules, thresholds from the practice policy.

No published norms or cut-offs exist for the BR-WAI; the three defaults are ours (brwai.md)
and every page that shows an alert says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from screening.policy import Policy
from sessions.surveys.instruments import Instrument, Scores

NOT_NORMS = ("Alert thresholds are this practice's own settings, not published norms: "
             "no norms or cut-offs exist for the BR-WAI.")


@dataclass(frozen=True)
class Rupture:
    rule: str  # drop | low_mean | reverse_item
    detail: str


def ruptures(instrument: Instrument, answers: dict[int, int], scores: Scores, previous_total: int | None,
             policy: Policy) -> list[Rupture]:
    found = []
    if previous_total is not None and previous_total - scores.total >= policy.rupture_drop_points:
        found.append(Rupture("drop", f"Total fell {previous_total - scores.total} points since the previous rating "
                                     f"of this practitioner ({previous_total} to {scores.total}); the alert is set at "
                                     f"{policy.rupture_drop_points} or more."))
    # Compare the exact mean, not the rounded one: 56/16 = 3.5 is not below 3.5.
    if Decimal(scores.total) / len(instrument.items) < Decimal(policy.rupture_mean_below):
        found.append(Rupture("low_mean", f"Mean item score {scores.mean} is below {policy.rupture_mean_below}."))
    at_least = max(policy.rupture_reverse_answer_at_least, instrument.low)  # a policy of 0 means "any answer"
    hits = [i.number for i in instrument.items if i.reverse and answers[i.number] >= at_least]
    if hits:
        found.append(Rupture("reverse_item", "Negatively worded question" + ("s " if len(hits) > 1 else " ")
                             + ", ".join(map(str, hits)) + f" answered “{instrument.label(at_least)}”"
                             " or more often."))
    return found
