"""The intake form (the client's own answers, with pounds accepted for body mass) and the support
people formset."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from practice.timezones import TimeZoneField

LB_PER_KG = Decimal("2.20462")


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("This date is in the future.")


class IntakeForm(forms.Form):
    legal_name = forms.CharField(max_length=200, label="Legal name")
    preferred_name = forms.CharField(max_length=200, required=False, label="Name you like to be called")
    date_of_birth = forms.DateField(label="Date of birth", widget=forms.DateInput(attrs={"type": "date"}),
                                    validators=[_not_future],
                                    help_text="Used for dose guidance: the standard dose depends on age. [Manual: Dosing]")
    pronouns = forms.CharField(max_length=50, required=False)
    phone = forms.CharField(max_length=40, required=False, label="Phone number")
    contact_email = forms.EmailField(required=False, label="Contact email", max_length=254)
    address = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    time_zone = TimeZoneField(label="Your time zone", help_text="Appointments and check-ins are timed in this zone.")
    emergency_contact_name = forms.CharField(max_length=200, label="Emergency contact: name")
    emergency_contact_relation = forms.CharField(max_length=100, required=False, label="Emergency contact: relation to you")
    emergency_contact_phone = forms.CharField(max_length=40, label="Emergency contact: phone")
    goals = forms.CharField(max_length=5000, required=False, label="What would you like to work on?",
                            widget=forms.Textarea(attrs={"rows": 4}))
    therapy_history = forms.CharField(max_length=5000, required=False, label="Your experience of therapy so far",
                                      widget=forms.Textarea(attrs={"rows": 3}))
    psychedelic_history = forms.CharField(max_length=5000, required=False, label="Your experience with psychedelics",
                                          widget=forms.Textarea(attrs={"rows": 3}))
    external_mdma_sessions = forms.IntegerField(
        min_value=0, max_value=1000, initial=0, label="How many times have you taken MDMA outside this practice?",
        help_text="Count every time, recreational or therapeutic. Lifetime sessions are limited for heart-valve "
                  "safety. [Manual: Safety]")
    last_external_mdma_session = forms.DateField(
        required=False, label="When was the most recent of those?", widget=forms.DateInput(attrs={"type": "date"}),
        validators=[_not_future], help_text="Sessions need enough time between them. [Manual: Session Frequency]")
    current_therapist = forms.CharField(max_length=300, required=False, label="Current therapist (name and contact)")
    current_prescriber = forms.CharField(max_length=300, required=False, label="Current prescriber (name and contact)")
    mass_value = forms.DecimalField(min_value=Decimal("1"), max_value=Decimal("800"), decimal_places=1, max_digits=5,
                                    label="Body mass", help_text="Doses are worked out per kilogram. [Manual: Dosing]")
    mass_unit = forms.ChoiceField(choices=[("kg", "kg"), ("lb", "lb")], initial="kg", label="Unit of body mass")

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob and dob.year < timezone.localdate().year - 120:
            raise forms.ValidationError("Please check the year of birth.")
        return dob

    def clean(self):
        data = super().clean()
        value, unit = data.get("mass_value"), data.get("mass_unit")
        if value is not None and unit:
            kg = (value / LB_PER_KG if unit == "lb" else value).quantize(Decimal("0.1"))
            if not Decimal("20") <= kg <= Decimal("350"):
                self.add_error("mass_value", "Please check the body mass: it should be between 20 and 350 kg "
                                             "(44 and 772 lb).")
            data["body_mass_kg"] = kg
        if data.get("external_mdma_sessions") and not data.get("last_external_mdma_session"):
            self.add_error("last_external_mdma_session", "Give the date of the most recent one (an estimate is fine).")
        return data

    @staticmethod
    def initial_from(record, default_zone: str = "UTC") -> dict:
        if record is None:  # a first intake: the practice's zone, which the browser's may replace (zone.js)
            return {"mass_unit": "kg", "time_zone": default_zone}
        data = record.answers()
        data["mass_value"], data["mass_unit"] = record.body_mass_kg, "kg"
        return data


class SupportPersonForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    relation = forms.CharField(max_length=100, required=False, label="Relation to you")
    contact = forms.CharField(max_length=200, required=False, label="Phone or email")
    may_contact = forms.BooleanField(required=False, label="The practice may contact them")

    def clean(self):
        data = super().clean()
        if (data.get("relation") or data.get("contact") or data.get("may_contact")) and not data.get("name"):
            self.add_error("name", "Add the person's name, or clear this row.")
        return data


SupportPeopleFormSet = forms.formset_factory(SupportPersonForm, extra=1, max_num=10, validate_max=True,
                                             absolute_max=10)
