"""Forms only validate; services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from practice.roles import Role
from practice.tenancy.models import REMINDER_LEADS, PractitionerProfile, User
from practice.timezones import TimeZoneField
from practice.timing import TIMING


class StaffInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in (Role.THERAPIST, Role.SUPERVISOR, Role.ADMIN)],
        help_text="Admins manage members and practice settings; they do not read client records.",
    )


class ClientInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Client's name")
    email = forms.EmailField(label="Client's email address", max_length=254,
                             help_text="The invitation link is sent here. It works once and expires after 7 days.")


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Your full name")
    time_zone = TimeZoneField(label="Your time zone", help_text="Appointment times are shown to you in this zone.")
    password1 = forms.CharField(label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text="At least 12 characters; not a common password.")
    password2 = forms.CharField(label="Repeat the password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class VerificationForm(forms.Form):
    member = forms.UUIDField(widget=forms.HiddenInput)
    verification = forms.ChoiceField(choices=PractitionerProfile.Verification.choices, label="Licence verification")


class AccountabilityContactForm(forms.Form):
    contact = forms.ChoiceField(required=False, label="Accountability contact for client concerns",
                                help_text="Receives every client concern with the practitioner's supervisors. "
                                          "Without one, the practice admins do.")
    emergency_number = forms.RegexField(
        regex=r"^\+?[0-9][0-9 ()-]{1,28}$", max_length=30, required=False,
        label="Emergency number where the practice works",
        help_text="For example 911, 112 or 999. Shown as a tap-to-call link in the live session log; "
                  "left empty, it stays as it is.",
        error_messages={"invalid": "Use digits only (spaces, brackets, dashes and a leading + are fine)."})

    preparation_items = forms.CharField(
        required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 4}),
        label="The practice's own items for a client's preparation list",
        help_text="One per line, added to every client's list before a medicine session (for example: "
                  "\"Bring a change of comfortable clothes\").")

    reminder_lead_hours = forms.TypedChoiceField(
        choices=REMINDER_LEADS, coerce=int, required=False, empty_value=None, label="When clients get their appointment reminder",
        help_text=f"Moved out of the quiet hours on the client's clock ({TIMING.quiet_from_hour:02d}:00 to "
                  f"{TIMING.quiet_until_hour:02d}:00). Medicine sessions also get one a week before, with the "
                  "preparation list.")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", "Practice admins")] + [(str(m.pk), str(m.user)) for m in staff]


class AssignClientForm(forms.Form):
    client = forms.ChoiceField(label="Client")
    therapist = forms.ChoiceField(label="Therapist")

    def __init__(self, *args, clients, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "Choose a client")] + [(str(c.pk), str(c)) for c in clients]
        self.fields["therapist"].choices = [("", "Choose a therapist")] + [(str(t.pk), str(t.user)) for t in therapists]


class SupervisionLinkForm(forms.Form):
    supervisor = forms.ChoiceField(label="Supervisor")
    therapist = forms.ChoiceField(label="Supervises therapist")

    def __init__(self, *args, supervisors, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", "Choose a supervisor")] + [(str(s.pk), str(s.user)) for s in supervisors]
        self.fields["therapist"].choices = [("", "Choose a therapist")] + [(str(t.pk), str(t.user)) for t in therapists]
