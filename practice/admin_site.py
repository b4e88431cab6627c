from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class SuperuserAdminSite(admin.AdminSite):
    """Django admin for superusers only; practice staff work in the app itself."""

    site_header = "Practice - system administration"

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def login(self, request, extra_context=None):
        """The admin has no login form of its own: its form would take a password alone.

        Everyone signs in through the app's login (password, then the authenticator code, with
        its rate limits); a signed-in user who is not a superuser is refused here.
        """
        from django.contrib.auth.views import redirect_to_login  # not at import: the app registry loads this module

        if request.user.is_authenticated:
            raise PermissionDenied("The system administration is for superusers only.")
        index = reverse("admin:index")
        wanted = request.GET.get("next", "")
        return redirect_to_login(wanted if wanted.startswith(index) and "//" not in wanted else index)


class PracticeAdminConfig(AdminConfig):
    default_site = "practice.admin_site.SuperuserAdminSite"
