"""`posted(request)`: the POST data to bind a form to, or None on GET.

`request.POST or None` would treat an empty submission as a GET and show the blank form with
200; binding the empty dict shows "This field is required" instead.
"""


def posted(request):
    return request.POST if request.method == "POST" else None
