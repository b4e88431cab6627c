"""The demographic form, built from a program's definition: every item optional, each with
"Prefer not to say", and a way to be left out of the report altogether."""

from __future__ import annotations

from django import forms


class DemographicsForm(forms.Form):
    opted_out = forms.BooleanField(required=False, label="Leave me out of the state report",
                                   help_text="Your answers are then kept in your record but not counted.")

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition["items"]:
            choices = [(o["key"], o["label"]) for o in item["options"]]
            if item.get("multiple"):
                field = forms.MultipleChoiceField(choices=choices, required=False, label=item["label"],
                                                  widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(choices=[("", "Not answered"), *choices], required=False, label=item["label"])
            self.fields[f"item_{item['key']}"] = field
        self.order_fields([*(f"item_{i['key']}" for i in definition["items"]), "opted_out"])

    @staticmethod
    def initial_from(saved) -> dict:
        if saved is None:
            return {}
        return {"opted_out": saved.opted_out, **{f"item_{k}": v for k, v in saved.answers.items()}}

    def answers(self) -> dict:
        return {name.removeprefix("item_"): value for name, value in self.cleaned_data.items()
                if name.startswith("item_") and value}
