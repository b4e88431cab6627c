"""The flight plan form: every element of the domain guide section 6, in our own words."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from practice.crisis import CRISIS
from screening.policy import DEFAULT_POLICY

# A plausibility bound for typed doses; the practice's own (possibly stricter) ceiling is enforced
# where the dose is planned and given.
CEILING_MG = Decimal(DEFAULT_POLICY.ceiling_total_mg)

SECTION = "[Manual: Flight Plan]"
POST = "[Manual: Preparation for the Post-Session]"
SAFETY = "[Manual: Increasing Safety]"


def _text(label: str, help_text: str = "", rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _line(label: str, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=500)


class FlightPlanForm(forms.Form):
    # Intentions and support
    intentions = _text("Intentions: what the client wants to work on", SECTION, required=True)
    what_helps = _text("What helps the client feel safe (people, pets, objects, music)", SECTION)
    when_stuck = _text("If the client feels stuck", SECTION, rows=2)
    when_overwhelmed = _text("If the client feels overwhelmed", SECTION, rows=2)
    when_numb = _text("If the client feels numb", SECTION, rows=2)
    when_too_blissful = _text("If the client feels too blissful to work", SECTION, rows=2)
    # People
    people_present = _text("Who is present (practitioner, sitter, witnesses)", SECTION, rows=2, required=True)
    delegate_name = _line("Delegate (optional): who may decide for the client while impaired")
    delegate_decisions = _text("Decisions the delegate may make", "Only the decisions listed here. " + SECTION, rows=2)
    # Touch and recording
    touch_allowed = _text("Touch allowed", "Leave empty for no touch at all. List each allowed form of touch, and "
                                           "when and how. " + SECTION, rows=2)
    touch_stop = _line("How the client stops touch (word or gesture)")
    recording = forms.ChoiceField(label="Recording", choices=[("none", "Not recorded"), ("audio", "Audio"),
                                                              ("video", "Video")], widget=forms.RadioSelect,
                                  initial="none")
    recording_keeper = _line("Who keeps the recording")
    # Dose
    dose_initial_mg = forms.DecimalField(label="Initial dose (mg MDMA HCl)", min_value=Decimal("1"),
                                         max_value=CEILING_MG, decimal_places=1, required=False,
                                         help_text="See the dose calculator on the screening review. [Manual: Dosing]")
    booster_mg = forms.DecimalField(label="Booster (mg)", min_value=Decimal("0"), max_value=CEILING_MG,
                                    decimal_places=1, required=False)
    booster_prepared = forms.BooleanField(label="The booster is measured and prepared before the session", required=False)
    extra_dose_rule = _text("Rule for any extra dose, and the ceiling",
                            f"The total never exceeds {DEFAULT_POLICY.ceiling_mg_per_kg} mg/kg or {CEILING_MG} mg "
                            "(or the practice's stricter ceiling). [Manual: Dosing]", rows=2)
    substance_test = _text("Substance test and result (reagent kit at least; lab test better)", SAFETY, rows=2)
    water_limit = _line("Water limit", "Default: no more than 0.5 L in the first 6 hours unless replacing heavy sweat.")
    food = _text("Food", rows=2)
    medication_pauses = _text("Medication pauses", "Agreed with the prescriber. [Manual: Drug Interactions]", rows=2)
    # Crisis plan
    preferred_hospital = _line("Preferred hospital", "Shown to the people present if emergency signs appear. "
                                                     "[Manual: When to Seek Emergency Care]", required=True)
    people_to_notify = _text("People to notify in a crisis (names and phone numbers)", rows=2, required=True)
    hotline = _line("Crisis line", f"For example {CRISIS.peer.name}: {CRISIS.peer.number}.")
    # After the session
    transport_home = _line("How the client gets home (no driving that day)", POST, required=True)
    collected_by = _line("Who collects the client", POST)
    next_day_free = forms.BooleanField(label="The next day is kept free", required=False)
    someone_to_stay = _line("Someone to stay with the client, if vulnerable", POST)
    integration_activities = _text("Integration activities", POST, rows=2)
    no_big_decisions = forms.BooleanField(label="No life-changing decisions until the afterglow has passed",
                                          required=False, help_text=POST)

    def __init__(self, *args, precautions: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # PRECAUTION flags from the latest screening review become checklist lines.
        self.precautions = list(precautions)
        for flag in self.precautions:
            self.fields[f"check_{flag['key']}"] = forms.BooleanField(
                required=False, label=flag["reason"], help_text=f"[Manual: {flag['section']}]")

    def content(self) -> dict:
        """The cleaned answers as JSON-safe data (numbers as strings), checklist apart."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("check_"):
                continue
            data[name] = str(value) if isinstance(value, Decimal) else value
        data["checklist"] = {f["key"]: bool(self.cleaned_data.get(f"check_{f['key']}")) for f in self.precautions}
        data["checklist_labels"] = {f["key"]: f["reason"] for f in self.precautions}
        return data

    @classmethod
    def initial_from(cls, content: dict | None) -> dict:
        if not content:
            return {"recording": "none",
                    "water_limit": f"{DEFAULT_POLICY.water_limit_litres} L in the first {DEFAULT_POLICY.water_limit_hours} hours",
                    "hotline": f"{CRISIS.peer.name} {CRISIS.peer.number}"}
        initial = {k: v for k, v in content.items() if k not in ("checklist", "checklist_labels")}
        initial.update({f"check_{k}": v for k, v in content.get("checklist", {}).items()})
        return initial

    def clean(self):
        data = super().clean()
        if data.get("delegate_name") and not data.get("delegate_decisions"):
            self.add_error("delegate_decisions", "List the decisions the delegate may make.")
        if data.get("recording") in ("audio", "video") and not data.get("recording_keeper"):
            self.add_error("recording_keeper", "Say who keeps the recording.")
        if data.get("touch_allowed") and not data.get("touch_stop"):
            self.add_error("touch_stop", "Agree how the client stops touch.")
        initial, booster = data.get("dose_initial_mg"), data.get("booster_mg")
        if initial is not None and booster is not None and initial + booster > CEILING_MG:
            self.add_error("booster_mg", f"Initial dose and booster together exceed the {CEILING_MG} mg maximum total.")
        return data


# The client's own parts of the plan, in their words; the clinical parts (people present, touch,
# recording, dose, substance test, medication pauses, crisis care) are the therapist's to write,
# and the client reads and signs them. [Manual: Flight Plan]
CLIENT_LABELS = {
    "intentions": "What you want to work on",
    "what_helps": "What helps you feel safe (people, pets, objects, music)",
    "when_stuck": "If you feel stuck",
    "when_overwhelmed": "If you feel overwhelmed",
    "when_numb": "If you feel numb",
    "when_too_blissful": "If you feel too blissful to work",
    "food": "Food",
    "people_to_notify": "People to tell if something goes wrong (names and phone numbers)",
    "transport_home": "How you get home (no driving that day)",
    "collected_by": "Who collects you",
    "next_day_free": "I keep the next day free",
    "someone_to_stay": "Someone to stay with you afterwards, if you need it",
    "integration_activities": "What you will do afterwards to integrate the experience",
}


class ClientPlanForm(FlightPlanForm):
    """The client's parts only; the therapist's parts of the latest version are kept as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name in CLIENT_LABELS:
                self.fields[name].label = CLIENT_LABELS[name]
                self.fields[name].help_text = ""
            else:
                del self.fields[name]
        self.precautions = []

    def content(self, base: dict | None = None) -> dict:
        merged = dict(base or {})
        merged.update({k: v for k, v in super().content().items() if k in CLIENT_LABELS})
        return merged


class FlightPlanSignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    content_sha256 = forms.CharField(min_length=64, max_length=64, widget=forms.HiddenInput)
