from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox, units
from .context_processors import forget_site_identity
from .errors import Refused
from .models import CollectiveLeaveDay, Membership, OutboxEmail, Unit
from .uploads import clean_image

User = get_user_model()


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name", "short_name", "slug", "kind", "parent", "time_zone",
            "address", "email", "phone", "logo", "is_active",
        ]  # fmt: skip

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            units.check_parent(self.instance, parent)
        except Refused as exc:
            raise ValidationError(exc.message) from None
        return parent

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return clean_image(logo, max_bytes=2 * 1024 * 1024, max_side=1024, output_format="PNG").file
        return logo


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["name", "short_name", "kind", "parent", "time_zone", "is_active"]
    list_filter = ["kind", "time_zone", "is_active"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_site_identity()


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]
    verbose_name = _("role in a unit")
    verbose_name_plural = _("roles in units")


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [UserMembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(CollectiveLeaveDay)
class CollectiveLeaveDayAdmin(admin.ModelAdmin):
    list_display = ["date", "description"]
    date_hierarchy = "date"
    search_fields = ["description"]


admin.site.site_header = _("Humas portal administration")
admin.site.site_title = _("Humas admin")


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """What the portal owes people by e-mail and whether it went out. Read-only; failed messages (those that
    exhausted their attempts) can be sent again with the "Send again" action."""

    list_display = ["key", "status", "attempts", "created_at", "sent_at", "last_error"]
    actions = ["send_again"]
    list_filter = ["status"]
    search_fields = ["key"]
    readonly_fields = [
        "key", "to", "template", "context", "language", "subject", "status", "attempts", "next_attempt_at",
        "sent_at", "last_error",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_requeue_permission(self, request) -> bool:
        return request.user.has_perm("humas.change_outboxemail")

    @admin.action(description=_("Send again (failed messages only)"), permissions=["requeue"])
    def send_again(self, request, queryset):
        count = outbox.requeue_failed(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
