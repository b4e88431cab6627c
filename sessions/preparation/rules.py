"""The client's preparation list for a medicine session, built from their own signed flight plan
(pure: plan content in, items out). [Manual: Pre-Session Checklist; Flight Plan]"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str
    text: str


def items(plan: dict, practice_items: str = "") -> list[Item]:
    """What to do before the day, in the plan's own words where it has them, then the practice's
    own items (one per line of its setting)."""
    found = []
    if plan.get("medication_pauses"):
        found.append(Item("pauses", f"Medicine pauses as agreed with your prescriber: {plan['medication_pauses']}"))
    if plan.get("substance_test"):
        found.append(Item("test", f"The substance is tested: {plan['substance_test']}"))
    if plan.get("food"):
        found.append(Item("food", f"Food: {plan['food']}"))
    if plan.get("water_limit"):
        found.append(Item("water", f"Water on the day: {plan['water_limit']}"))
    found.append(Item("sleep", "A good night's sleep before the session"))
    way_home = plan.get("transport_home") or "arranged"
    collected = f", collected by {plan['collected_by']}" if plan.get("collected_by") else ""
    found.append(Item("home", f"Your way home: {way_home}{collected}. No driving that day."))
    found.append(Item("next_day", "The next day is kept free"))
    if plan.get("someone_to_stay"):
        found.append(Item("stay", f"Someone stays with you afterwards: {plan['someone_to_stay']}"))
    for key, label in (plan.get("checklist_labels") or {}).items():
        found.append(Item(f"precaution:{key}"[:80], label))
    for line in practice_items.splitlines()[:30]:
        if line.strip():
            # Keyed by the text, so editing an item starts it unticked.
            found.append(Item("practice:" + hashlib.sha256(line.strip().encode()).hexdigest()[:16], line.strip()))
    return found
