"""Forms of the live log: one per kind of entry, and what was done about an emergency sign."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from screening.policy import DEFAULT_POLICY
from sessions.livelog.models import SessionEvent
from sessions.livelog.rules import ADVERSE_EFFECTS


class LogForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    at_time = forms.TimeField(required=False, label="Time (leave empty for now)",
                              widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def entry(self) -> dict:
        """The cleaned data as model fields (`at` in UTC, or None for now)."""

        data = {k: v for k, v in self.cleaned_data.items() if k not in ("at_time", "confirmed")}
        at_time = self.cleaned_data.get("at_time")
        data["at"] = None
        if at_time is not None:
            now = timezone.now()
            today = now.astimezone(self.zone).date()
            at = datetime.combine(today, at_time).replace(tzinfo=self.zone)
            # A time of day means its nearest occurrence: "23:50" entered at 00:20 is yesterday's.
            # A time up to 12 h ahead stays in the future and is refused as such.
            if at - now > timedelta(hours=12):
                at = datetime.combine(today - timedelta(days=1), at_time).replace(tzinfo=self.zone)
            data["at"] = at
        return data


class DoseForm(LogForm):
    which = forms.ChoiceField(choices=[("initial", "Initial dose"), ("booster", "Booster"), ("extra", "Extra dose")],
                              label="Which dose")
    amount_mg = forms.DecimalField(min_value=Decimal("1"), max_value=DEFAULT_POLICY.ceiling_total_mg, decimal_places=1,
                                   label="Amount (mg)")
    batch = forms.CharField(max_length=100, label="Substance batch")
    test_result = forms.CharField(max_length=300, label="Test result for this batch")


VITAL_LABELS = {"systolic": ("Systolic", "mmHg"), "diastolic": ("Diastolic", "mmHg"),
                "heart_rate": ("Heart rate", "bpm"), "temperature_c": ("Temperature", "°C"), "spo2": ("SpO2", "%")}


LIMITS = {name: (low, high) for name, low, high in DEFAULT_POLICY.vitals_limits}


USUAL = {name: (low, high) for name, low, high in DEFAULT_POLICY.vitals_usual}


def _vital(name, field_class, **kw):
    low, high = LIMITS[name]
    label, unit = VITAL_LABELS[name]
    shown = unit.replace("%", "%%")  # Django formats these messages with %-style parameters
    return field_class(required=False, min_value=low, max_value=high, label=f"{label} ({unit})",
                       error_messages={"min_value": f"{label} below {low} {shown} is not possible: check the reading.",
                                       "max_value": f"{label} above {high} {shown} is not possible: check the reading."},
                       **kw)


class VitalsForm(LogForm):
    systolic = _vital("systolic", forms.IntegerField)
    diastolic = _vital("diastolic", forms.IntegerField)
    heart_rate = _vital("heart_rate", forms.IntegerField)
    temperature_c = _vital("temperature_c", forms.DecimalField, decimal_places=1)
    spo2 = _vital("spo2", forms.IntegerField)
    confirmed = forms.BooleanField(required=False, label="I checked: the unusual reading is correct")

    def clean(self):
        data = super().clean()
        values = [data.get(k) for k in VITAL_LABELS]
        if all(v is None for v in values):
            raise forms.ValidationError("Enter at least one reading.")
        if (data.get("systolic") is None) != (data.get("diastolic") is None):
            self.add_error("diastolic", "Enter both blood pressure numbers.")
        elif data.get("systolic") is not None and data["diastolic"] >= data["systolic"]:
            self.add_error("diastolic", "Diastolic must be lower than systolic.")
        unusual = [f"{VITAL_LABELS[k][0]} {data[k]} {VITAL_LABELS[k][1]}" for k, (low, high) in USUAL.items()
                   if data.get(k) is not None and not low <= data[k] <= high]
        if unusual and not data.get("confirmed"):
            self.add_error("confirmed", f"Unusual: {', '.join(unusual)}. Measure again, or tick the box to record "
                                        "it as it is.")
        return data


class WaterForm(LogForm):
    millilitres = forms.IntegerField(min_value=10, max_value=2000, label="Water (ml)")


class EventForm(LogForm):
    kind = forms.ChoiceField(choices=[("food", "Food or drink (not water)"), ("arrived", "Person arrived"),
                                      ("left", "Person left"), ("adverse", "Adverse effect"),
                                      ("observation", "Observation")], label="What")
    code = forms.ChoiceField(required=False, label="Adverse effect")
    severity = forms.ChoiceField(required=False, label="How serious (adverse effects)",
                                 choices=[("", "—"), *SessionEvent.Severity.choices])
    text = forms.CharField(max_length=2000, required=False, label="Details",
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—")] + [(k, label) for k, (label, _) in ADVERSE_EFFECTS.items()]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "adverse" and not data.get("code"):
            self.add_error("code", "Choose the adverse effect.")
        if data.get("kind") == "adverse" and not data.get("severity"):
            self.add_error("severity", "Choose how serious the adverse effect was.")
        if data.get("kind") != "adverse":
            data["code"] = data["severity"] = ""
        if data.get("kind") in ("food", "arrived", "left", "observation") and not data.get("text"):
            self.add_error("text", "Add the details.")
        return data


class SignOutcomeForm(LogForm):
    """What was done about an open emergency sign, and when (empty: now)."""

    sign = forms.CharField(max_length=12, widget=forms.HiddenInput)
    code = forms.ChoiceField(choices=SessionEvent.Outcome.choices, widget=forms.RadioSelect, label="What was done")

    def entry(self) -> dict:
        data = super().entry()
        data.pop("sign")
        return data

