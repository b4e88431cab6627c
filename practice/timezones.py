"""IANA time zones: validation and the viewer's zone."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone (use a name like Europe/Berlin).") from None


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    # available_timezones() walks the zone database on disk (tens of milliseconds): once per process.
    return tuple((name, name.replace("_", " ")) for name in sorted(available_timezones()) if "/" in name or name == "UTC")


class QuickSelect(forms.Select):
    """A select that writes its options itself. Django renders each option through a template
    include: for the ~430 time zones that cost about 35 ms of CPU on every form showing one."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])  # noqa: S308
            for _group, group_options, _index in widget["optgroups"] for option in group_options))
        return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], flatatt(widget["attrs"]), options)


class TimeZoneField(forms.ChoiceField):
    """An IANA time zone, chosen from a list (named as people read them: underscores as spaces)."""

    widget = QuickSelect

    def __init__(self, **kwargs):
        super().__init__(choices=time_zone_choices, **kwargs)
