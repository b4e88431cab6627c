"""Forms for scheduling and running sessions."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from practice.timing import TIMING
from screening.policy import DEFAULT_POLICY
from sessions.livelog.models import SessionEvent
from sessions.scheduling.models import Kind

_CEILING, _BOOSTER = DEFAULT_POLICY.ceiling_total_mg, DEFAULT_POLICY.booster_after_hours  # bounds; the practice's own apply


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label="Kind of session")
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Start time (client's time zone)", widget=forms.TimeInput(attrs={"type": "time"}),
                         help_text="Medicine sessions start in the morning. [Manual: The Therapeutic MDMA Session]")
    duration_minutes = forms.IntegerField(
        required=False, label="Length (minutes)",
        help_text="Empty: the usual length for the kind (" + ", ".join(f"{k} {m} min" for k, m in TIMING.session_minutes)
        + ").", error_messages={"min_value": "A session lasts at least 15 minutes.",
                                "max_value": "A session lasts at most 24 hours (1440 minutes)."},
        min_value=15, max_value=TIMING.longest_session_minutes)
    place = forms.CharField(max_length=100, required=False, label="Place", help_text='A room, or "Video".')
    video_link = forms.URLField(max_length=500, required=False, label="Video link", assume_scheme="https",
                                help_text="For a video session: the link the client joins with (https).")
    second_practitioner = forms.ChoiceField(required=False, label="Second practitioner (optional)",
                                            help_text="Two practitioners are common in medicine sessions; breaks need cover.")
    other_people = forms.CharField(max_length=500, required=False, label="Others present",
                                   help_text="Sitter, witnesses.")
    initial_mg = forms.DecimalField(required=False, min_value=Decimal("1"), max_value=_CEILING, decimal_places=1,
                                    label="Planned initial dose (mg MDMA HCl)", help_text="Medicine sessions only.")
    booster_mg = forms.DecimalField(required=False, min_value=Decimal("0"), max_value=_CEILING, decimal_places=1,
                                    label="Planned booster (mg)",
                                    help_text=f"Half the initial dose, {_BOOSTER[0]}-{_BOOSTER[1]} h after it.")
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
        if data.get("video_link") and not data["video_link"].startswith("https://"):
            self.add_error("video_link", "Use a secure link (it starts with https://).")
        return data


class AgendaForm(forms.Form):
    """Which days the agenda shows: one day or the week around it (never more, whatever is asked)."""

    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Day")
    span = forms.ChoiceField(required=False, choices=[("day", "Day"), ("week", "Week")], label="Show")
    who = forms.ChoiceField(required=False, choices=[("me", "My sessions"), ("practice", "The whole practice")],
                            label="Whose")


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
    return _per_item(data, "outcome:", lambda: forms.ChoiceField(choices=SessionEvent.Outcome.choices, required=False,
                                                                label="What became of the emergency sign"))


class StartForm(forms.Form):
    rationale = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label="Rationale for amber lines")


class StatusForm(forms.Form):
    """How a session ends, with only the choices its state allows (nothing preselected)."""

    CHOICES = {"scheduled": [("cancelled", "Cancelled"), ("no_show", "No-show: the client did not come")],
               "in_progress": [("completed", "Completed")]}
    status = forms.ChoiceField(widget=forms.RadioSelect, label="How the session ended")
    reason = forms.CharField(max_length=500, required=False, label="Why (needed to cancel)")

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = self.CHOICES.get(current, [])
        if current == "in_progress":  # one way to close it: the button says so
            self.fields["status"].widget = forms.HiddenInput()
            self.fields["status"].initial = "completed"
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        if data.get("status") == "cancelled" and len((data.get("reason") or "").strip()) < 3:
            self.add_error("reason", "Say why the session is cancelled.")
        return data


class RescheduleForm(forms.Form):
    day = forms.DateField(label="New date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="New start time (client's time zone)", widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(max_length=500, min_length=3, label="Why it moves")
    rationale = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                label="Rationale for amber lines (medicine sessions)")
