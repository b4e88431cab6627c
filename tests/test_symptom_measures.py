"""The symptom measures as instrument data (issue 20, part 2, first step): the published
scoring and severity bands of PHQ-9, GAD-7 and PCL-5, and PHQ-9 question 9 as a danger sign.
Not yet asked of clients: that waits for the escalation path (see the README)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessions.surveys import instruments
from sessions.surveys.instruments import AnswerError, band, danger_reasons, score

PHQ9, GAD7, PCL5 = instruments.load("phq9"), instruments.load("gad7"), instruments.load("pcl5")


def answers_totalling(instrument, total: int) -> dict[int, int]:
    """Answers with the given total, filled item by item (the lowest items highest)."""
    out = {}
    for item in instrument.items:
        value = min(instrument.high, total)
        out[item.number] = value
        total -= value
    assert total == 0
    return out


@pytest.mark.parametrize("instrument, items, low, high", [(PHQ9, 9, 0, 27), (GAD7, 7, 0, 21), (PCL5, 20, 0, 80)])
def test_item_counts_and_total_ranges(instrument, items, low, high):
    assert len(instrument.items) == items
    assert score(instrument, answers_totalling(instrument, low)).total == low
    assert score(instrument, answers_totalling(instrument, high)).total == high


@pytest.mark.parametrize("instrument, total, label", [
    (PHQ9, 0, "Minimal"), (PHQ9, 4, "Minimal"), (PHQ9, 5, "Mild"), (PHQ9, 9, "Mild"), (PHQ9, 10, "Moderate"),
    (PHQ9, 14, "Moderate"), (PHQ9, 15, "Moderately severe"), (PHQ9, 19, "Moderately severe"), (PHQ9, 20, "Severe"),
    (PHQ9, 27, "Severe"),
    (GAD7, 4, "Minimal"), (GAD7, 5, "Mild"), (GAD7, 9, "Mild"), (GAD7, 10, "Moderate"), (GAD7, 14, "Moderate"),
    (GAD7, 15, "Severe"), (GAD7, 21, "Severe"),
    (PCL5, 30, "Below the usual cut-point"), (PCL5, 31, "At or above the usual cut-point"),
])
def test_published_severity_bands_at_their_edges(instrument, total, label):
    assert band(instrument, score(instrument, answers_totalling(instrument, total)).total).startswith(label)


def test_pcl5_clusters_are_the_dsm5_ones():
    scores = score(PCL5, {n: (4 if n <= 5 else 0) for n in range(1, 21)})
    assert scores.subscales == {"B": 20, "C": 0, "D": 0, "E": 0}
    assert [sum(1 for i in PCL5.items if i.subscale == c) for c in "BCDE"] == [5, 2, 7, 6]


@pytest.mark.parametrize("item9, danger", [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_question_9_above_not_at_all_is_a_danger_sign(item9, danger):
    answers = {n: 0 for n in range(1, 10)} | {9: item9}
    assert bool(danger_reasons(PHQ9, answers)) is danger
    assert not danger_reasons(PHQ9, {n: 3 for n in range(1, 9)} | {9: 0})  # a severe total alone is not item 9


def test_gad7_and_pcl5_have_no_danger_items_and_a_missing_answer_is_refused():
    assert not danger_reasons(GAD7, {n: 3 for n in range(1, 8)})
    with pytest.raises(AnswerError, match="missing: 9"):
        score(PHQ9, {n: 0 for n in range(1, 9)})
    with pytest.raises(AnswerError):
        score(GAD7, {n: 4 for n in range(1, 8)})  # 4 is not an answer of the GAD-7


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_every_phq9_total_has_exactly_one_band(values):
    total = score(PHQ9, dict(enumerate(values, start=1))).total
    assert total == sum(values) and sum(1 for low, high, _ in PHQ9.bands if low <= total <= high) == 1


def test_bands_with_a_gap_are_refused():
    broken = dict(PHQ9.definition, bands=[{"from": 0, "to": 4, "label": "a"}, {"from": 6, "to": 27, "label": "b"}])
    with pytest.raises(ValueError, match="cover every total"):
        instruments.from_definition(broken)
