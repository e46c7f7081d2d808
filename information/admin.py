"""The admin shows requests read-only (their steps go through the services, from the console) and lets an
administrator keep the public information list, as the console does."""

from __future__ import annotations

from django.contrib import admin

from information.models import InformationRequest, ListItem, RequestEvent


@admin.register(ListItem)
class ListItemAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "info_class", "year", "is_active"]
    list_filter = ["info_class", "is_active", "unit"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit"]


class EventInline(admin.TabularInline):
    model = RequestEvent
    fields = ["created_at", "kind", "actor", "by_requester", "status", "public_message", "internal_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "unit", "status", "registered_at", "due_at", "decided_at", "anonymised_at"]
    list_filter = ["status", "channel", "unit", ("anonymised_at", admin.EmptyFieldListFilter)]
    search_fields = ["number"]
    list_select_related = ["unit"]
    exclude = ["tracking_digest", "nik", "legal_document"]  # never on an admin screen
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
