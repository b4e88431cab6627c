"""Forms only validate; services write."""

from __future__ import annotations

from django import forms

from practice.timezones import TimeZoneField


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Your full name")
    time_zone = TimeZoneField(label="Your time zone",
                              help_text="Every date and time in the app is shown to you in this zone.")


class CredentialsForm(forms.Form):
    """The practitioner's own profile as clients read it; the practice verifies the licence."""

    credentials = forms.CharField(
        max_length=2000, required=False, label="Training and qualifications",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="It appears, with your licence, in the informed-consent text your clients sign. "
                  "[Manual: Accreditation and Safety]")
    unlicensed = forms.BooleanField(required=False, label="I do not hold a licence to practise therapy")
    licence_type = forms.CharField(max_length=120, required=False, label="Licence type",
                                   help_text="e.g. Licensed clinical social worker (LCSW)")
    licence_number = forms.CharField(max_length=60, required=False, label="Licence number")
    licence_board = forms.CharField(max_length=200, required=False, label="Issuing board")
    licence_jurisdiction = forms.CharField(max_length=120, required=False, label="Jurisdiction",
                                           help_text="State or country")
    scope_of_care = forms.CharField(max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    label="Scope of care (if unlicensed)",
                                    help_text="What you do and do not offer, in words a client understands.")
    ethics_statement = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                       label="Ethics statement", help_text="Shown to your clients. [Manual: Accountability]")

    LICENCE = ("licence_type", "licence_number", "licence_board", "licence_jurisdiction")

    def clean(self):
        data = super().clean()
        given = [f for f in self.LICENCE if (data.get(f) or "").strip()]
        if data.get("unlicensed"):
            if given:
                self.add_error("unlicensed", "Either give your licence or say you are unlicensed, not both.")
            if not (data.get("scope_of_care") or "").strip():
                self.add_error("scope_of_care", "Describe your scope of care: clients must know what you offer.")
        elif given and len(given) < len(self.LICENCE):
            for f in self.LICENCE:
                if f not in given:
                    self.add_error(f, "Give the whole licence: type, number, issuing board and jurisdiction.")
        return data


class ChoosePracticeForm(forms.Form):
    practice = forms.UUIDField(widget=forms.HiddenInput)
