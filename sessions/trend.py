"""A small server-rendered SVG of a client's check-in mood over time (no JavaScript).

Readable without colour: each point is labelled with its value, and the same data is given as
a table next to the chart.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 320, 120, 20


def mood_svg(points: list[tuple[str, int]], title_id: str = "mood-title") -> SafeString:
    """`points` are (label, mood 0-10) oldest first."""
    if not points:
        return SafeString("")
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def xy(i: int, mood: int) -> tuple[float, float]:
        return PAD + i * step, HEIGHT - PAD - mood * (HEIGHT - 2 * PAD) / 10

    coords = [xy(i, mood) for i, (_, mood) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    marks = format_html_join(
        "", '<circle cx="{}" cy="{}" r="4" fill="#0b5cad"></circle>'
            '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#1b1f24">{}</text>',
        ((f"{x:.1f}", f"{y:.1f}", f"{x:.1f}", f"{y - 8:.1f}", mood) for (x, y), (_, mood) in zip(coords, points,
                                                                                                  strict=True)))
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}" class="trend">'
        '<title id="{}">Mood at each check-in, 0 to 10</title>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7480"></line>'
        '<polyline points="{}" fill="none" stroke="#0b5cad" stroke-width="2"></polyline>{}</svg>',
        WIDTH, HEIGHT, title_id, title_id, PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD, path, marks)
