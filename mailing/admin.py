"""The mailing list in the Django admin: outlets are configured here; subscribers and their consent record
are shown read-only (their state changes go through mailing.subscriptions, which writes the record)."""

from __future__ import annotations

from django.contrib import admin

from .models import MediaPartner, Subscriber, SubscriberEvent


@admin.register(MediaPartner)
class MediaPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "verified", "verified_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["name"]
    # verification is the console's (mailing.partners: who and when, revocable), not a checkbox here
    readonly_fields = ["verified", "verified_by", "verified_at", "revoked_by", "revoked_at"]


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(ReadOnly, admin.TabularInline):
    model = SubscriberEvent
    fields = ["at", "kind", "by", "channel", "details"]
    readonly_fields = fields
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "email", "outlet", "status", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["name", "email", "outlet__name"]
    list_select_related = ["outlet"]
    inlines = [EventInline]


@admin.register(SubscriberEvent)
class SubscriberEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "subscriber", "kind", "by", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["subscriber__email", "subscriber__name"]
    list_select_related = ["subscriber", "by"]
    date_hierarchy = "at"
