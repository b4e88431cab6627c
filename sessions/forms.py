"""Forms for scheduling and running sessions."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from screening.policy import DEFAULT_POLICY

from .models import Kind


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label="Kind of session")
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Start time (client's time zone)", widget=forms.TimeInput(attrs={"type": "time"}),
                         help_text="Medicine sessions start in the morning. [Manual: The Therapeutic MDMA Session]")
    second_practitioner = forms.ChoiceField(required=False, label="Second practitioner (optional)",
                                            help_text="Two practitioners are common in medicine sessions; breaks need cover.")
    other_people = forms.CharField(max_length=500, required=False, label="Others present",
                                   help_text="Sitter, witnesses.")
    initial_mg = forms.DecimalField(required=False, min_value=Decimal("1"), max_value=Decimal("200"), decimal_places=1,
                                    label="Planned initial dose (mg MDMA HCl)", help_text="Medicine sessions only.")
    booster_mg = forms.DecimalField(required=False, min_value=Decimal("0"), max_value=Decimal("200"), decimal_places=1,
                                    label="Planned booster (mg)", help_text="Half the initial dose, 1.5-2.5 h after it.")
    rationale = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label="Rationale for amber lines",
                                help_text="Needed when the readiness checklist shows amber lines; your supervisor "
                                          "reads it.")

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.colleagues = {str(m.pk): m for m in colleagues}
        self.fields["second_practitioner"].choices = [("", "None")] + [(k, str(m.user)) for k, m in self.colleagues.items()]

    def clean(self):
        data = super().clean()
        data["second_practitioner"] = self.colleagues.get(data.get("second_practitioner") or "")
        if data.get("booster_mg") and data.get("initial_mg") is None:
            self.add_error("initial_mg", "Plan the initial dose before a booster.")
        return data


def _per_item(data, prefix: str, make_field) -> tuple[dict[str, str], list[str]]:
    """Fields named "<prefix><key>", one per item on the page (a caution, an emergency sign),
    validated like any form field: ({key: value given}, errors)."""
    form = forms.Form(data)
    for name in [k for k in data if k.startswith(prefix)][:50]:
        form.fields[name] = make_field()
    if not form.is_valid():
        return {}, [e for errs in form.errors.values() for e in errs]
    return {k.removeprefix(prefix)[:300]: v for k, v in form.cleaned_data.items() if v}, []


def caution_rationales(data) -> tuple[dict[str, str], list[str]]:
    """The rationale written for each caution on its own line of the readiness checklist."""
    return _per_item(data, "ack:", lambda: forms.CharField(max_length=5000, required=False,
                                                          label="Rationale for a caution"))


def sign_outcomes(data) -> tuple[dict[str, str], list[str]]:
    """What became of each open emergency sign, when a medicine session is closed."""
    from .log import SessionEvent

    return _per_item(data, "outcome:", lambda: forms.ChoiceField(choices=SessionEvent.Outcome.choices, required=False,
                                                                label="What became of the emergency sign"))


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


# --- Live log ---------------------------------------------------------------------------------

class LogForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    at_time = forms.TimeField(required=False, label="Time (leave empty for now)",
                              widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def entry(self) -> dict:
        """The cleaned data as model fields (`at` in UTC, or None for now)."""
        from datetime import datetime, timedelta

        from django.utils import timezone

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
                              label="Dose")
    amount_mg = forms.DecimalField(min_value=Decimal("1"), max_value=Decimal("200"), decimal_places=1,
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
    text = forms.CharField(max_length=2000, required=False, label="Details",
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from .vitals import ADVERSE_EFFECTS

        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—")] + [(k, label) for k, (label, _) in ADVERSE_EFFECTS.items()]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "adverse" and not data.get("code"):
            self.add_error("code", "Choose the adverse effect.")
        if data.get("kind") != "adverse":
            data["code"] = ""
        if data.get("kind") in ("food", "arrived", "left", "observation") and not data.get("text"):
            self.add_error("text", "Add the details.")
        return data


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(coerce=int, choices=[(i, str(i)) for i in range(11)], widget=forms.RadioSelect,
                                  label="Your mood today, from 0 (very low) to 10 (very good)")
    sleep = forms.ChoiceField(choices=[("poor", "Poor"), ("fair", "Fair"), ("good", "Good")], widget=forms.RadioSelect,
                              label="How have you slept?")
    worsening = forms.ChoiceField(choices=[("none", "No worse"), ("mild", "A little worse"),
                                           ("moderate", "Moderately worse"), ("severe", "Much worse")],
                                  widget=forms.RadioSelect, label="Have your symptoms got worse since the session?")
    lasting_effects = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                      label="Effects of the session lasting more than 3 days (which?)")
    urgent_symptoms = forms.BooleanField(required=False, label="Right now I have chest pain, a high temperature, "
                                                               "confusion, fainting or a seizure")
    harm_thoughts = forms.TypedChoiceField(coerce=lambda v: v == "yes", choices=[("no", "No"), ("yes", "Yes")],
                                           widget=forms.RadioSelect,
                                           label="Have you had thoughts of killing yourself or of harming someone?")
    harm_intent = forms.BooleanField(required=False, label="If yes: have you had some intention of acting on them?")
    harm_plan = forms.BooleanField(required=False, label="If yes: have you worked out details of how you would do it?")
    wants_contact = forms.BooleanField(required=False, label="I would like my practitioner to contact me")
    free_text = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label="Anything else you want your practitioner to know")

    def clean(self):
        data = super().clean()
        if not data.get("harm_thoughts"):
            data["harm_intent"] = data["harm_plan"] = False
        return data


class CheckInDaysForm(forms.Form):
    days = forms.CharField(max_length=100, label="Check-in days after each medicine session",
                           help_text="Comma-separated, e.g. 1, 3, 7, 14, 28 (the practice default). "
                                     "[Manual: Between Sessions; Afterglow]")

    def clean_days(self):
        try:
            days = sorted({int(part) for part in self.cleaned_data["days"].split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError("Use whole numbers separated by commas.") from None
        if not days or len(days) > 10 or days[0] < 1 or days[-1] > 90:
            raise forms.ValidationError("Between 1 and 10 days, each from 1 to 90.")
        return days


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


class PauseForm(forms.Form):
    """The client pauses or resumes check-in and survey emails."""

    paused = forms.ChoiceField(choices=[("yes", "Pause"), ("no", "Resume")])


class AlertAcknowledgeForm(forms.Form):
    """Acknowledging an alliance alert; `next` says which page the button was on."""

    note = forms.CharField(required=False, max_length=2000, label="Note (optional)")
    next = forms.ChoiceField(required=False, choices=[("", "Client record"), ("supervision", "Supervision")])
