from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    """Django admin for superusers only; practice staff work in the app itself."""

    site_header = "Practice - system administration"

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class PracticeAdminConfig(AdminConfig):
    default_site = "practice.admin_site.SuperuserAdminSite"
