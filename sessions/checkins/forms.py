"""Forms for scheduling and running sessions."""

from __future__ import annotations

from django import forms

from practice.timing import TIMING


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
                           help_text=f"Comma-separated, e.g. {', '.join(map(str, TIMING.checkin_days))} (the practice "
                                     "default). "
                                     "[Manual: Between Sessions; Afterglow]")

    def clean_days(self):
        try:
            days = sorted({int(part) for part in self.cleaned_data["days"].split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError("Use whole numbers separated by commas.") from None
        longest = TIMING.checkin_longest_day
        if not days or len(days) > 10 or days[0] < 1 or days[-1] > longest:
            raise forms.ValidationError(f"Between 1 and 10 days, each from 1 to {longest}.")
        return days


class PauseForm(forms.Form):
    """The client pauses or resumes check-in and survey emails."""

    paused = forms.ChoiceField(choices=[("yes", "Pause"), ("no", "Resume")])


class AcknowledgeForm(forms.Form):
    """Acknowledging an alert (a check-in answer, an alliance alert), with an optional note."""

    note = forms.CharField(required=False, max_length=2000, label="Note (optional)")
