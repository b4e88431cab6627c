"""When an appointment reminder goes out (pure): `before` the session, moved out of the quiet
hours on the client's clock. A reminder due in the evening quiet hours goes at their start's eve
(the hour before they begin); one due in the early morning goes when they end, unless that is
too close to the session, when it goes the evening before."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def reminder_due(start: datetime, zone: ZoneInfo, before: timedelta, quiet_from: int, quiet_until: int) -> datetime:
    """The UTC time to send the reminder of a session starting at `start` (aware)."""
    due = (start - before).astimezone(zone)
    if due.hour >= quiet_from:  # late evening: an hour before the quiet hours begin, same day
        due = datetime.combine(due.date(), time(quiet_from - 1), tzinfo=zone)
    elif due.hour < quiet_until:  # early morning: when the quiet hours end...
        morning = datetime.combine(due.date(), time(quiet_until), tzinfo=zone)
        if start - morning >= before / 2:
            due = morning
        else:  # ...unless that is too close to the session: the evening before
            due = datetime.combine(due.date() - timedelta(days=1), time(quiet_from - 1), tzinfo=zone)
    # Wall-clock times are built in the zone, so a clock change (DST) is applied by the zone.
    return due.astimezone(UTC)
