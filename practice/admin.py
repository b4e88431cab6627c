"""Django admin (superusers only): a read-only window for system operators.

Practice work happens in the app, where services enforce the rules; here tenancy records are
shown read-only so nothing bypasses those rules. Clients are not shown at all: who is a client
of which practice is health information, and an operator has no need of it (therapists manage
their clients' accounts in the app, where every read is access-logged). No clinical model is
registered here.
"""

from django.contrib import admin

from practice.roles import Role
from practice.tenancy.models import Invitation, Membership, Practice, SupervisionLink, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.without_clients(super().get_queryset(request))

    def without_clients(self, queryset):
        return queryset

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

    def without_clients(self, queryset):
        return queryset.exclude(memberships__role=Role.CLIENT)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "practice", "role", "is_active", "created_at"]
    list_filter = ["role", "practice"]

    def without_clients(self, queryset):
        return queryset.exclude(role=Role.CLIENT)


@admin.register(SupervisionLink)
class SupervisionLinkAdmin(ReadOnlyAdmin):
    list_display = ["supervisor", "therapist", "started_at", "ended_at"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "practice", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]

    def without_clients(self, queryset):
        return queryset.exclude(role=Role.CLIENT)
