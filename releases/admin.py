"""Admin: categories and tags are configured here; releases can be looked at and corrected, through the
same services and access rules as the console (scoped to the user's units, state changes by action)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from humas import access
from humas.errors import Refused

from . import publishing
from .models import Category, Release, ReleaseEvent, ReleasePhoto, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class PhotoInline(admin.TabularInline):
    model = ReleasePhoto
    fields = ["image", "caption", "credit", "order", "is_featured"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ReleaseEvent
    fields = ["created_at", "action", "from_status", "to_status", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "category", "status", "published_at", "view_count"]
    list_filter = ["status", "category", "language"]
    search_fields = ["title", "slug"]
    date_hierarchy = "published_at"
    list_select_related = ["unit", "category"]
    autocomplete_fields = ["unit", "tags"]
    readonly_fields = [
        "slug", "status", "publish_at", "published_at", "withdrawn_reason", "withdrawn_at", "view_count",
        "created_by", "review_comment",
    ]  # fmt: skip
    fields = ["unit", *publishing.EDITABLE_FIELDS, "tags", *readonly_fields]
    inlines = [PhotoInline, EventInline]
    actions = ["approve_selected", "publish_selected"]

    def get_queryset(self, request):
        return access.scope(request.user, "release.view", super().get_queryset(request))

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or publishing.may_edit(obj, request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # releases are withdrawn, not deleted (their addresses were given to the press)
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in publishing.EDITABLE_FIELDS}
        try:
            if change:
                saved = publishing.update_release(obj, by=request.user, data=data, unit=form.cleaned_data["unit"])
            else:
                saved = publishing.create_release(unit=form.cleaned_data["unit"], by=request.user, data=data)
        except Refused as exc:
            raise PermissionDenied(exc.message) from None
        obj.pk, obj.slug = saved.pk, saved.slug

    def _run(self, request, queryset, action: str) -> None:
        done = 0
        for release in queryset:
            try:
                publishing.take(action, release, by=request.user)
                done += 1
            except Refused as exc:
                self.message_user(request, f"{release}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("%(n)d release(s) done.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected releases"))
    def approve_selected(self, request, queryset):
        self._run(request, queryset, "approve")

    @admin.action(description=_("Publish the selected releases now"))
    def publish_selected(self, request, queryset):
        self._run(request, queryset, "publish")
