"""Server-rendered charts: values placed where they belong, text escaped, no colour-only cues."""

from datetime import date
from types import SimpleNamespace

from django.utils import timezone

from practice.charts import Chart, Marker, Series, line_chart
from sessions.checkins.selectors import checkin_charts


def test_points_sit_at_their_values_and_dates():
    chart = Chart("T", [Series("A", [(date(2026, 1, 1), 0), (date(2026, 1, 11), 10)])], 0, 10, [(0, "0"), (10, "10")],
                  height=140)
    svg = str(line_chart(chart, "c"))
    # x from the left padding (64) to width - right padding (348); y from bottom (122) to top (18)
    assert 'points="64.0,122.0 348.0,18.0"' in svg
    assert ">0</text>" in svg and ">10</text>" in svg


def test_several_series_get_a_legend_and_distinct_shapes_and_dashes():
    d = date(2026, 3, 1)
    svg = str(line_chart(Chart("T", [Series("Total", [(d, 4.5)]), Series("Bond", [(d, 4)])], 1, 5, [(1, "1")]), "c"))
    assert ">Total</text>" in svg and ">Bond</text>" in svg and "<rect" in svg and 'stroke-dasharray="6 3"' in svg
    assert ">4.50</text>" in svg


def test_markers_and_titles_are_escaped():
    d = date(2026, 3, 1)
    chart = Chart("<b>x</b>", [Series("<i>", [(d, 1)])], 0, 2, [], markers=[Marker(d, "<script>", strong=True)])
    svg = str(line_chart(chart, "c"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert 'stroke-width="3"' in svg  # a medicine session is drawn heavier, not just in another colour


def test_no_points_no_chart():
    assert line_chart(Chart("T", [Series("A", [])], 0, 1, []), "c") == ""
    assert checkin_charts([]) == []


def test_checkin_charts_map_the_categorical_answers():
    now = timezone.now()
    answers = [SimpleNamespace(submitted_at=now, mood=7, sleep="fair", worsening="severe")]
    mood, sleep, worsening = (str(c) for c in checkin_charts(answers))
    assert ">7</text>" in mood and ">1</text>" in sleep and ">3</text>" in worsening
    assert ">severe</text>" in worsening and ">poor</text>" in sleep
