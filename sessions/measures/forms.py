"""The practice's symptom-measure schedule."""

from __future__ import annotations

from django import forms


class MeasureScheduleForm(forms.Form):
    at_intake = forms.BooleanField(required=False, label="Ask once intake is submitted (the baseline)")
    before_medicine = forms.BooleanField(required=False, label="Ask in the week before each medicine session")
    first_follow_up_weeks = forms.IntegerField(min_value=0, max_value=52, label="First follow-up: weeks after a "
                                               "completed medicine session (0 for none)")
    second_follow_up_weeks = forms.IntegerField(min_value=0, max_value=52, label="Second follow-up: weeks after it "
                                                "(0 for none)")

    def clean(self):
        data = super().clean()
        first, second = data.get("first_follow_up_weeks"), data.get("second_follow_up_weeks")
        if first and second and second <= first:
            self.add_error("second_follow_up_weeks", "The second follow-up comes after the first: choose more weeks.")
        return data
