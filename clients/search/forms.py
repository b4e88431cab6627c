"""The search box: any text; too long is cut (rules.MAX_LENGTH), never refused with a 500."""

from django import forms

from clients.search.rules import MAX_LENGTH
from practice.posted import day_from_link


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True, label="Find a client",
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "maxlength": MAX_LENGTH,
                                                      "placeholder": "Name or email"}))
    # Set when the search comes from a day of the agenda: results offer to book that day. A value
    # that is not a day is dropped (it came from a link), never an error that loses the search.
    book = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_book(self):
        return day_from_link(self.cleaned_data.get("book"))
