"""IANA time zones: validation and the viewer's zone."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone (use a name like Europe/Berlin).") from None


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    # available_timezones() walks the zone database on disk (tens of milliseconds): once per process.
    return tuple((name, name.replace("_", " ")) for name in sorted(available_timezones()) if "/" in name or name == "UTC")
