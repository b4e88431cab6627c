"""The report's period and practitioner, from the page's query string (a GET form)."""

from __future__ import annotations

from django import forms

from practice.accountability.reports import rules


class PractitionerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.user)


class ReportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Enter the first day as a date, for example 2026-10-01."})
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "Enter the last day as a date, for example 2026-12-31."})
    practitioner = PractitionerChoice(
        queryset=None, required=False, empty_label="Every practitioner I may report on", label="Practitioner",
        error_messages={"invalid_choice": "Choose a practitioner from the list: that one is not in your reports."})

    def __init__(self, data, *, practitioners, default: rules.Period):
        # Missing dates read as the default quarter, so the bare page shows this quarter.
        data = {"start": default.start.isoformat(), "end": default.end.isoformat(), **{
            k: v for k, v in data.items() if k in ("start", "end", "practitioner") and v}}
        super().__init__(data)
        self.fields["practitioner"].queryset = practitioners.select_related("user").order_by(
            "user__full_name", "user__email")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            problem = rules.period_problem(start, end)
            if problem:
                self.add_error("end", problem)
        return data

    def period(self) -> rules.Period:
        return rules.Period(self.cleaned_data["start"], self.cleaned_data["end"])


class StateReportForm(forms.Form):
    program = forms.ChoiceField(label="Program", error_messages={"invalid_choice": "Choose a program from the list."})
    quarter = forms.ChoiceField(label="Quarter", error_messages={"invalid_choice": "Choose one of the quarters listed."})

    def __init__(self, data, *, programs: list[dict], quarters: list[rules.Period]):
        defaults = {"program": programs[0]["key"], "quarter": rules.quarter_key(quarters[1])}  # the last whole quarter
        super().__init__({**defaults, **{k: v for k, v in data.items() if k in ("program", "quarter") and v}})
        self.fields["program"].choices = [(p["key"], p["title"]) for p in programs]
        self.fields["quarter"].choices = [(rules.quarter_key(q), q.label) for q in quarters]
