"""URLs of the clients app: each capability's own, included (paths and names unchanged)."""

from django.urls import include, path

urlpatterns = [
    path("", include("clients.consent.urls")),
    path("", include("clients.search.urls")),
    path("", include("clients.demographics.urls")),
]
