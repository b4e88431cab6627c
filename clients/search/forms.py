"""The search box: any text; too long is cut (rules.MAX_LENGTH), never refused with a 500."""

from django import forms

from clients.search.rules import MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True, label="Find a client",
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "maxlength": MAX_LENGTH,
                                                      "placeholder": "Name or email"}))
    # Set when the search comes from a day of the agenda: results offer to book that day.
    book = forms.DateField(required=False, widget=forms.HiddenInput)
