from __future__ import annotations

from django.contrib import admin

from open311.models import Client, Request


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """Read-only here: keys are issued and revoked in the console (/staf/open311/), through open311.clients."""

    list_display = ["name", "contact", "key_prefix", "created_at", "revoked_at"]
    readonly_fields = ["name", "contact", "key_prefix", "issued_by", "revoked_at", "revoked_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ["token", "client", "complaint", "created_at"]
    list_select_related = ["client", "complaint"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
