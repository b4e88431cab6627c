"""The alliance cell of a caseload row, as a filter: rendered once per row, so built in Python
rather than through an include (an include per row cost about as much as the rest of the row)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def alliance_cell(alliance) -> str:
    """`alliance` is (latest BR-WAI total, change from the one before or None), or None."""
    if not alliance:
        return mark_safe('<span class="muted">No rating</span>')  # noqa: S308 (a constant)
    total, change = alliance
    if change is None:
        return format_html("{}/80", total)
    if change > 0:
        trend = format_html('<span aria-hidden="true">↑</span><span class="visually-hidden">, up {}</span>', change)
    elif change < 0:
        trend = format_html('<span aria-hidden="true">↓</span><span class="visually-hidden">, down {}</span>', -change)
    else:
        trend = mark_safe('<span aria-hidden="true">→</span><span class="visually-hidden">, unchanged</span>')  # noqa: S308
    return format_html("{}/80 {}", total, trend)
