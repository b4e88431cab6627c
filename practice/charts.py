"""Small line charts rendered on the server as SVG (no JavaScript, no library).

Readable without colour: every series has its own dash pattern and point shape, named in a
legend, and every point is labelled with its value. Pages show the same numbers in a table
next to the chart, so the chart is never the only way to read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, PAD_LEFT, PAD_RIGHT, PAD_Y = 360, 64, 12, 18
SHAPES = ("circle", "square", "diamond")
DASHES = ("", "6 3", "2 3")
COLOURS = ("#0b5cad", "#8a3b12", "#2f6b2f")


@dataclass
class Series:
    name: str
    points: list[tuple[date, float]]  # oldest first


@dataclass
class Marker:
    """A vertical line at a date (a session), drawn heavier when `strong` (a medicine session)."""

    on: date
    label: str
    strong: bool = False


@dataclass
class Chart:
    title: str
    series: list[Series]
    y_min: float
    y_max: float
    y_ticks: list[tuple[float, str]]
    markers: list[Marker] = field(default_factory=list)
    height: int = 140


def _shape(kind: str, x: float, y: float, colour: str) -> SafeString:
    if kind == "square":
        return format_html('<rect x="{}" y="{}" width="7" height="7" fill="{}"></rect>', _f(x - 3.5), _f(y - 3.5), colour)
    if kind == "diamond":
        return format_html('<polygon points="{},{} {},{} {},{} {},{}" fill="{}"></polygon>',
                           _f(x), _f(y - 5), _f(x + 5), _f(y), _f(x), _f(y + 5), _f(x - 5), _f(y), colour)
    return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"></circle>', _f(x), _f(y), colour)


def line_chart(chart: Chart, chart_id: str) -> SafeString:
    dates = [d for s in chart.series for d, _ in s.points] + [m.on for m in chart.markers]
    if not any(s.points for s in chart.series):
        return SafeString("")
    first, last = min(dates).toordinal(), max(dates).toordinal()
    span = max(last - first, 1)
    legend_h = 16 * len(chart.series) if len(chart.series) > 1 else 0
    plot_bottom = chart.height - PAD_Y
    height = chart.height + legend_h

    def x_of(d: date) -> float:
        if last == first:
            return (PAD_LEFT + WIDTH - PAD_RIGHT) / 2
        return PAD_LEFT + (d.toordinal() - first) * (WIDTH - PAD_LEFT - PAD_RIGHT) / span

    def y_of(v: float) -> float:
        return plot_bottom - (v - chart.y_min) * (plot_bottom - PAD_Y) / (chart.y_max - chart.y_min)

    parts = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d0d5db"></line>'
                         '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#1b1f24">{}</text>',
                         PAD_LEFT, _f(y_of(v)), WIDTH - PAD_RIGHT, _f(y_of(v)), PAD_LEFT - 4, _f(y_of(v) + 3), label)
             for v, label in chart.y_ticks]
    for m in chart.markers:
        parts.append(format_html(
            '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#6b7480" stroke-width="{w}" '
            'stroke-dasharray="{dash}"><title>{label}</title></line>',
            x=_f(x_of(m.on)), top=PAD_Y, bottom=plot_bottom, w=3 if m.strong else 1, dash="" if m.strong else "3 3",
            label=m.label))
    for i, s in enumerate(chart.series):
        colour, shape = COLOURS[i % 3], SHAPES[i % 3]
        coords = [(x_of(d), y_of(v), v) for d, v in s.points]
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}">'
                                 '</polyline>', " ".join(f"{x},{y:.1f}" for x, y, _ in coords), colour, DASHES[i % 3]))
        parts += [_shape(shape, x, y, colour) for x, y, _ in coords]
        parts.append(format_html_join("", '<text x="{}" y="{}" font-size="10" text-anchor="middle" '
                                          'fill="#1b1f24">{}</text>',
                                      ((_f(x), _f(y - 8), _number(v)) for x, y, v in coords)))
        if legend_h:
            ly = chart.height + 16 * i + 4
            parts.append(format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="{}"></line>{}'
                '<text x="{}" y="{}" font-size="11" fill="#1b1f24">{}</text>',
                PAD_LEFT, ly, PAD_LEFT + 28, ly, colour, DASHES[i % 3], _shape(shape, PAD_LEFT + 14, ly, colour),
                PAD_LEFT + 34, ly + 4, s.name))
    return format_html('<svg viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}" class="trend">'
                       '<title id="{}">{}</title>{}<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7480"></line></svg>',
                       WIDTH, height, chart_id, chart_id, chart.title, mark_safe("".join(parts)),  # noqa: S308 (parts escaped)
                       PAD_LEFT, plot_bottom, WIDTH - PAD_RIGHT, plot_bottom)


def _f(v: float) -> str:
    return f"{v:.1f}"


def _number(v: float) -> str:
    return f"{v:g}" if float(v).is_integer() else f"{v:.2f}"


BAR_H, BAR_GAP, LABEL_W = 18, 8, 150


def bar_chart(title: str, bars: list[tuple[str, float]], chart_id: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value), each with its label on the left and its value
    at the bar's end: readable at phone width and without colour. Empty without bars."""
    if not bars:
        return SafeString("")
    top = max((v for _, v in bars), default=0) or 1
    span = WIDTH - LABEL_W - 48  # room for the value after the longest bar
    parts = []
    for i, (label, value) in enumerate(bars):
        y = PAD_Y + i * (BAR_H + BAR_GAP)
        width = max(span * value / top, 1 if value else 0)
        parts.append(format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#1b1f24">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
            '<text x="{}" y="{}" font-size="11" fill="#1b1f24">{}{}</text>',
            LABEL_W - 6, _f(y + BAR_H - 5), _short(label), LABEL_W, y, _f(width), BAR_H, COLOURS[0],
            _f(LABEL_W + width + 4), _f(y + BAR_H - 5), _number(value), unit))
    height = PAD_Y * 2 + len(bars) * (BAR_H + BAR_GAP)
    return format_html('<svg viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}" class="trend">'
                       '<title id="{}">{}</title>{}</svg>', WIDTH, height, chart_id, chart_id, title,
                       mark_safe("".join(parts)))  # noqa: S308 (parts escaped)


def _short(label: str, most: int = 24) -> str:
    # The table beside the chart carries the whole label; the chart keeps to its width.
    return label if len(label) <= most else label[:most - 1] + "…"
