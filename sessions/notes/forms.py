"""Forms for scheduling and running sessions."""

from __future__ import annotations

from django import forms

from sessions.notes.models import TEMPLATES


class NoteForm(forms.Form):
    """Built from the session kind's template (sessions/notes.py)."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, help_text in TEMPLATES[kind]:
            self.fields[name] = forms.CharField(label=label, help_text=help_text, required=False, max_length=10000,
                                                widget=forms.Textarea(attrs={"rows": 4}))


class AddendumForm(forms.Form):
    text = forms.CharField(max_length=10000, label="Addendum", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Signed and timed when saved; the note itself stays as it was.")


class CosignForm(forms.Form):
    comment = forms.CharField(max_length=2000, required=False, label="Comment (optional)",
                              widget=forms.Textarea(attrs={"rows": 2}))
