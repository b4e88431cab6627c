"""Screening forms. Help texts are ours and name the manual section they rest on."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from screening.medications import load_table
from screening.models import Assessed, CYP2D6Status, MedicalScreening, PsychologicalScreening
from screening.policy import DEFAULT_POLICY, LABELS, STRICTER
from screening.rules import AIT_RISK_FACTORS

YES_NO_UNKNOWN = [("", "Not sure"), ("yes", "Yes"), ("no", "No")]


# The four forms, as clients and staff read their names.
TITLES = {"intake": "About you (intake)", "medical": "Medical screening", "medications": "Medicines and substances",
          "psychological": "Psychological screening"}


class NullableYesNo(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=YES_NO_UNKNOWN, coerce=lambda v: {"yes": True, "no": False}.get(v),
                         empty_value=None, required=False, widget=forms.RadioSelect, **kwargs)

    def prepare_value(self, value):
        return {True: "yes", False: "no"}.get(value, "")


class MedicalForm(forms.ModelForm):
    hypertension_controlled = NullableYesNo(label="If you have high blood pressure: is it controlled?")

    class Meta:
        model = MedicalScreening
        fields = MedicalScreening.ANSWER_FIELDS
        labels = {
            "hypertension": "High blood pressure (hypertension)",
            "arrhythmia": "Irregular heartbeat (arrhythmia)",
            "qt_prolongation": "Long QT / QTc prolongation on an ECG",
            "heart_disease": "Other heart disease (including heart valve problems)",
            "liver_disease": "Liver disease",
            "hyperthyroidism": "Overactive thyroid (hyperthyroidism)",
            "hyperthyroidism_assessed": "If overactive thyroid: has a doctor assessed it as well managed and mild?",
            "other_serious_condition": "Another serious medical condition",
            "other_condition_description": "Which condition?",
            "other_condition_assessed": "If another serious condition: has a doctor assessed it as well managed and mild?",
            "seizures": "Seizures or epilepsy, ever",
            "pregnant": "Pregnant, or could be",
            "breastfeeding": "Breastfeeding",
            "cyp2d6_status": "CYP2D6 metabolizer status, if a genetic test told you",
            "caffeine_mg_per_day": "Caffeine per day, in mg",
        }
        help_texts = {
            "hypertension": "MDMA raises blood pressure and heart rate for several hours. [Manual: Medical Risks]",
            "hyperthyroidism": "An overactive thyroid that is not well managed rules out MDMA sessions. [Manual: Safety]",
            "other_serious_condition": "Any condition a doctor treats you for regularly. [Manual: Medical Risks]",
            "pregnant": "MDMA is avoided in pregnancy as a precaution. [Manual: Medical Risks]",
            "breastfeeding": "Milk is discarded for 48 hours after a dose. [Manual: Medical Risks]",
            "cyp2d6_status": "Poor metabolizers feel MDMA more strongly and may need a lower dose. [Manual: Dosing]",
            "caffeine_mg_per_day": "A cup of brewed coffee has roughly 95 mg, espresso 65 mg, black tea 45 mg. "
                                   "Large amounts add to MDMA's effects on heart and temperature. "
                                   "[Manual: Drug Interactions]",
        }
        widgets = {
            "hyperthyroidism_assessed": forms.RadioSelect,
            "other_condition_assessed": forms.RadioSelect,
            "other_condition_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("hyperthyroidism_assessed", "other_condition_assessed"):
            self.fields[name].choices = [("", "Does not apply")] + list(Assessed.choices)
        self.fields["cyp2d6_status"].choices = CYP2D6Status.choices

    def clean(self):
        data = super().clean()
        if data.get("hyperthyroidism") and not data.get("hyperthyroidism_assessed"):
            self.add_error("hyperthyroidism_assessed", "Tell us whether a doctor has assessed it.")
        if data.get("other_serious_condition") and not data.get("other_condition_description"):
            self.add_error("other_condition_description", "Name the condition.")
        if data.get("other_serious_condition") and not data.get("other_condition_assessed"):
            self.add_error("other_condition_assessed", "Tell us whether a doctor has assessed it.")
        return data


class MedicationListForm(forms.Form):
    none_taken = forms.BooleanField(required=False, label="I take no medicines, supplements, herbs or other drugs",
                                    help_text="Including recreational drugs and anything taken in the last 2 months.")


class MedicationEntryForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, label="Name",
                           help_text="As on the pack (brand or generic). [Manual: Drug Interactions]")
    dose_text = forms.CharField(max_length=200, required=False, label="Dose and how often")
    since = forms.DateField(required=False, label="Started on", widget=forms.DateInput(attrs={"type": "date"}))
    stopped_on = forms.DateField(required=False, label="Last taken on, if stopped",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    critical = forms.BooleanField(required=False, label="Critical for my health (should not be paused)")

    def clean(self):
        data = super().clean()
        since, stopped = data.get("since"), data.get("stopped_on")
        if any(data.get(k) for k in ("dose_text", "since", "stopped_on", "critical")) and not data.get("name"):
            self.add_error("name", "Add the name, or clear this row.")
        if since and stopped and stopped < since:
            self.add_error("stopped_on", "The stop date is before the start date.")
        if stopped and stopped > timezone.localdate():
            self.add_error("stopped_on", "The last dose can't be in the future; leave it empty if you still take it.")
        return data


MAX_MEDICATIONS = 50
MedicationEntryFormSet = forms.formset_factory(MedicationEntryForm, extra=2, max_num=MAX_MEDICATIONS,
                                               validate_max=True, absolute_max=MAX_MEDICATIONS)

CSSRS_LABELS = {
    "cssrs_wish_dead": "1. In the past month, have you wished you were dead or wished you could go to sleep and not wake up?",
    "cssrs_thoughts": "2. In the past month, have you actually had any thoughts of killing yourself?",
    "cssrs_method": "3. In the past month, have you been thinking about how you might do this?",
    "cssrs_intent": "4. In the past month, have you had these thoughts and had some intention of acting on them?",
    "cssrs_plan": "5. In the past month, have you started to work out or worked out the details of how to kill "
                  "yourself? Do you intend to carry out this plan?",
    "cssrs_behaviour": "6. Have you ever done anything, started to do anything, or prepared to do anything to end "
                       "your life?",
    "cssrs_behaviour_recent": "6b. If yes: was this within the past 3 months?",
}


class ScreenerItem(NullableYesNo):
    """A C-SSRS screener question: Yes or No, and a skipped one stays "not answered"."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.choices = [("yes", "Yes"), ("no", "No")]


class PsychologicalForm(forms.ModelForm):
    cssrs_wish_dead = ScreenerItem(label=CSSRS_LABELS["cssrs_wish_dead"],
                                   help_text="Questions 1-6 are the Columbia Suicide Severity Rating Scale (C-SSRS) "
                                             "screener. If you are in danger now, call your local emergency number.")
    cssrs_thoughts = ScreenerItem(label=CSSRS_LABELS["cssrs_thoughts"])
    cssrs_method = ScreenerItem(label=CSSRS_LABELS["cssrs_method"])
    cssrs_intent = ScreenerItem(label=CSSRS_LABELS["cssrs_intent"])
    cssrs_plan = ScreenerItem(label=CSSRS_LABELS["cssrs_plan"])
    cssrs_behaviour = ScreenerItem(label=CSSRS_LABELS["cssrs_behaviour"])
    cssrs_behaviour_recent = ScreenerItem(label=CSSRS_LABELS["cssrs_behaviour_recent"])
    followup_capacity = NullableYesNo(
        label="In the weeks after a medicine session, will you have time and support for more therapy?",
        help_text="Symptoms can get worse for a while before they settle; room in your life for extra sessions "
                  "matters. [Manual: Safety]")
    ait_risk_factors = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=list(AIT_RISK_FACTORS.items()),
        label="Do any of these apply to you?",
        help_text="These raise the risk of an unhealthy attachment to a practitioner; they do not cause it. "
                  "We use them to plan extra safeguards. [Manual: Flight Plan]")

    class Meta:
        model = PsychologicalScreening
        fields = PsychologicalScreening.ANSWER_FIELDS
        labels = {
            "psychosis_personal": "Have you ever had psychosis (losing touch with reality)?",
            "psychosis_family": "Has a close family member had psychosis or schizophrenia?",
            "mania_personal": "Have you had mania, or been diagnosed with bipolar I?",
            "stimulant_addiction": "Have you been addicted to amphetamines or cocaine?",
            "dissociation": "Do you often feel detached from yourself or your surroundings (dissociation)?",
            "lives_with_abuser": "Do you live with a person who has abused you?",
            **CSSRS_LABELS,
        }
        help_texts = {
            "psychosis_personal": "A personal or family history needs extra care. [Manual: Psychological Risks]",
            "mania_personal": "Sleep plans and a gentler dose help. [Manual: Psychological Risks]",
            "lives_with_abuser": "Therapy can loosen old protective habits; we plan for your safety at home. "
                                 "[Manual: Psychological Risks]",
        }

    def clean(self):
        data = super().clean()
        if data.get("cssrs_behaviour_recent") and not data.get("cssrs_behaviour"):
            self.add_error("cssrs_behaviour_recent", "Answer question 6 first.")
        return data


class AcknowledgeForm(forms.Form):
    flag_key = forms.CharField(max_length=300, widget=forms.HiddenInput)
    rationale = forms.CharField(max_length=5000, min_length=20, label="Your rationale for proceeding",
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Why it is safe enough to proceed and what you will do about it. Your "
                                          "supervisor sees every rationale.")


class ClassifyForm(forms.Form):
    name_key = forms.CharField(max_length=200, widget=forms.HiddenInput)
    classes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Interaction classes")
    note = forms.CharField(max_length=2000, required=False, label="Note (source, reasoning)",
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].choices = list(load_table().class_help.items())


class PolicyForm(forms.Form):
    """One field per adjustable setting; values looser than the defaults are refused."""

    reason = forms.CharField(max_length=2000, label="Why this change", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept with the policy version; supervisors and auditors read it.")

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STRICTER:
            default = getattr(DEFAULT_POLICY, name)
            help_text = f"Default {default}; " + ("only higher is allowed." if STRICTER[name] == "up"
                                                   else "only lower is allowed.")
            if isinstance(default, bool):
                field = forms.BooleanField(required=False, help_text="Default: off. Turning it on is stricter.")
            elif isinstance(default, Decimal):
                field = forms.DecimalField(min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=2,
                                           help_text=help_text)
            else:
                field = forms.IntegerField(min_value=0, max_value=100000, help_text=help_text)
            field.label = LABELS[name]
            field.initial = getattr(current, name)
            self.fields[name] = field
        self.order_fields([*STRICTER, "reason"])
