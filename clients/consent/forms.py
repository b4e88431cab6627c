"""Forms of consent: a template version, a signature and a revocation."""

from django import forms


class ConsentTemplateForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=50000, label="Text", widget=forms.Textarea(attrs={"rows": 16}),
                           help_text="Plain text. Save a draft and preview it as clients will read it; nothing "
                                     "reaches clients until you publish. Earlier versions and signatures are kept.")
    correction_reason = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        label="If this is only a correction: what it changes and why clients need not sign again",
        help_text="For a typo or a changed phone number. Supervisors see both texts and this reason. Anything that "
                  "changes what clients agree to is published for them to sign again.")


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
