"""Forms for scheduling and running sessions."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import Kind


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label="Kind of session")
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Start time (client's time zone)", widget=forms.TimeInput(attrs={"type": "time"}),
                         help_text="Medicine sessions start in the morning. [Manual: The Therapeutic MDMA Session]")
    other_people = forms.CharField(max_length=500, required=False, label="Others present",
                                   help_text="Second practitioner, sitter, witnesses.")
    initial_mg = forms.DecimalField(required=False, min_value=Decimal("1"), max_value=Decimal("200"), decimal_places=1,
                                    label="Planned initial dose (mg MDMA HCl)", help_text="Medicine sessions only.")
    booster_mg = forms.DecimalField(required=False, min_value=Decimal("0"), max_value=Decimal("200"), decimal_places=1,
                                    label="Planned booster (mg)", help_text="Half the initial dose, 1.5-2.5 h after it.")
    rationale = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label="Rationale for amber lines",
                                help_text="Needed when the readiness checklist shows amber lines; your supervisor "
                                          "reads it.")

    def clean(self):
        data = super().clean()
        if data.get("booster_mg") and data.get("initial_mg") is None:
            self.add_error("initial_mg", "Plan the initial dose before a booster.")
        return data


class StartForm(forms.Form):
    rationale = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label="Rationale for amber lines")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("completed", "Completed"), ("cancelled", "Cancelled"), ("no_show", "No-show")])


class NoteForm(forms.Form):
    """Built from the session kind's template (sessions/notes.py)."""

    def __init__(self, *args, kind: str, **kwargs):
        from .notes import TEMPLATES

        super().__init__(*args, **kwargs)
        for name, label, help_text in TEMPLATES[kind]:
            self.fields[name] = forms.CharField(label=label, help_text=help_text, required=False, max_length=10000,
                                                widget=forms.Textarea(attrs={"rows": 4}))


class AddendumForm(forms.Form):
    text = forms.CharField(max_length=10000, label="Addendum", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Signed and timed when saved; the note itself stays as it was.")


class CosignForm(forms.Form):
    comment = forms.CharField(max_length=2000, required=False, label="Comment (optional)",
                              widget=forms.Textarea(attrs={"rows": 2}))
