"""Forms for scheduling and running sessions."""

from __future__ import annotations

from django import forms


class SurveyForm(forms.Form):
    """One radio group per item, built from the instrument definition (fields q1..qN)."""

    def __init__(self, instrument, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[f"q{item.number}"] = forms.TypedChoiceField(
                coerce=int, choices=instrument.options, widget=forms.RadioSelect, label=f"{item.number}. {item.text}",
                error_messages={"required": f"Please answer question {item.number}.",
                                "invalid_choice": f"Question {item.number}: choose one of the answers given."})

    def answers(self) -> dict[int, int]:
        return {item.number: self.cleaned_data[f"q{item.number}"] for item in self.instrument.items}


class SurveyScheduleForm(forms.Form):
    first_sessions = forms.IntegerField(min_value=0, max_value=50, initial=5,
                                        label="Survey after each of the first … sessions with a practitioner")
    after_medicine = forms.BooleanField(required=False, initial=True, label="Survey after every medicine session")
    every_weeks = forms.IntegerField(min_value=0, max_value=52, initial=4,
                                     label="Then every … weeks (0 for none)")


class AlertAcknowledgeForm(forms.Form):
    """Acknowledging an alliance alert; `next` says which page the button was on."""

    note = forms.CharField(required=False, max_length=2000, label="Note (optional)")
    next = forms.ChoiceField(required=False, choices=[("", "Client record"), ("supervision", "Supervision")])
