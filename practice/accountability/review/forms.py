"""Forms only validate; services write."""

from __future__ import annotations

from django import forms

from practice.accountability.review.models import ReviewMark


class ReviewMarkForm(forms.Form):
    """A supervisor's "reviewed" mark on one item of a supervisee's review page."""

    item = forms.ChoiceField(choices=ReviewMark.Item.choices)
    item_id = forms.CharField(max_length=64)
    note = forms.CharField(required=False, max_length=2000)
