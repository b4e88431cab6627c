"""A client's check-in trend (mood, sleep, worsening) as three small server-rendered charts.

Three charts rather than one because the three answers use different scales.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import SafeString

from practice.charts import Chart, Series, line_chart

SLEEP = {"poor": 0, "fair": 1, "good": 2}
WORSENING = {"none": 0, "mild": 1, "moderate": 2, "severe": 3}


def checkin_charts(answers) -> list[SafeString]:
    """`answers` are CheckInAnswer rows, oldest first; returns rendered SVGs (empty when none)."""
    if not answers:
        return []
    on = [timezone.localdate(a.submitted_at) for a in answers]
    charts = [
        ("mood", Chart("Mood at each check-in, 0 very low to 10 very good",
                       [Series("Mood", [(d, a.mood) for d, a in zip(on, answers, strict=True)])],
                       0, 10, [(0, "0"), (5, "5"), (10, "10")])),
        ("sleep", Chart("Sleep quality at each check-in",
                        [Series("Sleep", [(d, SLEEP[a.sleep]) for d, a in zip(on, answers, strict=True)
                                          if a.sleep in SLEEP])],
                        0, 2, [(0, "poor"), (1, "fair"), (2, "good")], height=110)),
        ("worsening", Chart("Worsening of symptoms at each check-in, none to severe",
                            [Series("Worsening", [(d, WORSENING[a.worsening]) for d, a in zip(on, answers, strict=True)])],
                            0, 3, [(0, "none"), (1, "mild"), (2, "moderate"), (3, "severe")], height=120)),
    ]
    return [line_chart(chart, f"trend-{key}") for key, chart in charts]
