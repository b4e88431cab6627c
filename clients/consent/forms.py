"""Forms of consent: a template version, a signature and a revocation."""

from django import forms


class ConsentTemplateForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=50000, label="Text", widget=forms.Textarea(attrs={"rows": 16}),
                           help_text="Plain text. Saving publishes a new version; clients who signed an earlier one "
                                     "are asked to review and sign again. Earlier versions and signatures are kept.")


class ConsentSignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text_sha256 = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)
    typed_name = forms.CharField(max_length=200, label="Type your full name to sign",
                                 widget=forms.TextInput(attrs={"autocomplete": "name"}))
    confirm = forms.BooleanField(label="I have read this document and I agree to it.",
                                 error_messages={"required": "Tick the box to confirm you agree."})


class ConsentRevokeForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False, label="Reason (optional)",
                             widget=forms.Textarea(attrs={"rows": 2}))
