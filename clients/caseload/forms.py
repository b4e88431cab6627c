"""Forms of the client's place in care."""


from django import forms

from clients.caseload.models import Stage


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label="Stage of care")
