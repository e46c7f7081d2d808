"""The mailing list in the Django admin: outlets are configured here; subscribers and their consent record
are shown read-only (their state changes go through mailing.subscriptions, which writes the record)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import dispatch
from .models import Delivery, MediaPartner, Subscriber, SubscriberEvent


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


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    """The fan-out's rows, read-only: what went to whom and why not. Rows that ran out of attempts can be sent
    again with the "Send again" action (bounced addresses and withdrawn releases are left alone)."""

    list_display = ["dispatch", "subscriber", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["subscriber__email", "dispatch__release__title"]
    list_select_related = ["dispatch__release", "subscriber"]
    actions = ["send_again"]

    def has_requeue_permission(self, request) -> bool:
        return request.user.has_perm("mailing.change_delivery")

    @admin.action(description=_("Send again (failed messages only)"), permissions=["requeue"])
    def send_again(self, request, queryset):
        count = dispatch.requeue_exhausted(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
