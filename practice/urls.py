"""The root URLconf: it only includes (each package's URLs keep their paths and names)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("practice.account.urls")),
    path("", include("practice.team.urls")),
    path("", include("practice.pages.urls")),
    path("", include("practice.accountability.urls")),
    path("", include("clients.urls")),
    path("", include("screening.urls")),
    path("", include("sessions.urls")),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
]
handler500 = "practice.errors.server_error"
