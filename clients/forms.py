from django import forms

from .models import Stage


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label="Stage of care")
