"""`posted(request)`: the POST data to bind a form to, or None on GET; `error_text(form)`: its errors;
`day_from_link(text)`: a day a link carries, or None.

`request.POST or None` would treat an empty submission as a GET and show the blank form with
200; binding the empty dict shows "This field is required" instead.
"""

from datetime import date


def posted(request):
    return request.POST if request.method == "POST" else None


def error_text(form) -> str:
    """A refused form's messages as one line, for a flash message or a plain-text answer."""
    return " ".join(message for messages in form.errors.values() for message in messages)


def day_from_link(text: str | None):
    """A YYYY-MM-DD day carried by a link (the agenda's "book this day"), or None for anything
    else: a link's odd value is ignored, never an error."""
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
