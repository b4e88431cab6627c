"""Django admin (superusers only): a read-mostly window for system operators.

Practice work happens in the app, where services enforce the rules; here clinical and
tenancy records are shown read-only so nothing bypasses those rules.
"""

from django.contrib import admin

from .models import Invitation, Membership, Practice, SupervisionLink, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ["name", "time_zone", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_active", "is_superuser", "date_joined"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "practice", "role", "is_active", "created_at"]
    list_filter = ["role", "practice"]


@admin.register(SupervisionLink)
class SupervisionLinkAdmin(ReadOnlyAdmin):
    list_display = ["supervisor", "therapist", "started_at", "ended_at"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "practice", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]
