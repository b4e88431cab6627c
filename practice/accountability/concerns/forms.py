"""Client concerns: raised from the portal, read and reviewed by supervisors and the
accountability contact; the practitioner sees one only once it is shared."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from practice.accountability.concerns.models import Concern


class RaiseForm(forms.Form):
    about = forms.ChoiceField(label="Which practitioner is it about?")
    category = forms.ChoiceField(choices=Concern.Category.choices, widget=forms.RadioSelect,
                                 label="What is it about?")
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), label="What happened?",
                           help_text="Your practitioner does not see this. Their supervisor and the practice's "
                                     "accountability contact do. [Manual: Accountability; Boundaries]")

    def __init__(self, *args, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [("", "Choose")] + [(str(m.pk), str(m.user)) for m in practitioners]


class AddForm(forms.Form):
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Add to your concern")


class ReviewForm(forms.Form):
    text = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           label="Note for the reviewers (the client does not see it)")
    reply = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            label="Reply to the client",
                            help_text="The client reads it in their portal; their email only says there is a reply.")
    status = forms.ChoiceField(choices=[("", "No change")] + Concern.Status.choices, required=False, label="Status")
    session = forms.ChoiceField(required=False, label="The session it is about (optional)")
    share = forms.BooleanField(required=False, label="Share the concern with the practitioner it is about")

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "No session linked")] + [
            (str(s.pk), f"{s.get_kind_display()} session of {timezone.localtime(s.scheduled_start):%-d %b %Y}")
            for s in sessions]
