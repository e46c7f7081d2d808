from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from complaints.handling import replies
from complaints.models import Attachment, Category, Complaint, ComplaintEvent, ReplyTemplate


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "resolution_days", "order", "is_active"]
    list_filter = ["resolution_days", "is_active", "unit"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class ReplyTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["unit", "category", "purpose", "name", "body", "is_active"]

    def clean_body(self):
        found = replies.problems(self.cleaned_data["body"])
        if found:
            raise forms.ValidationError(found)
        return self.cleaned_data["body"]

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("unit") and data["category"].unit_id != data["unit"].pk:
            self.add_error("category", _("Choose a category of the template's own unit."))
        return data


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateAdminForm
    list_display = ["name", "purpose", "unit", "category", "is_active", "updated_at"]
    list_filter = ["purpose", "is_active", "unit"]
    search_fields = ["name", "body", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "category"]

    def save_model(self, request, obj, form, change):
        """Through the service, like the console: the same checks, the same record of who changed it."""
        data = {key: form.cleaned_data[key] for key in ("unit", "category", "purpose", "name", "body", "is_active")}
        saved = replies.save_template(**data, by=request.user, template=obj if change else None)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        replies.delete_template(obj, by=request.user)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = [
        "created_at",
        "kind",
        "actor",
        "by_reporter",
        "from_status",
        "to_status",
        "public_message",
        "internal_note",
    ]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "kind", "content_type", "size", "created_at"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: reports change only through the workflow's service functions (the staff console)."""

    list_display = ["display_code", "title", "kind", "unit", "status", "channel", "created_at"]
    list_filter = ["status", "kind", "channel", "visibility", "identity_mode"]
    search_fields = ["title", "tracking_code"]
    list_select_related = ["unit"]
    date_hierarchy = "created_at"
    inlines = [EventInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "category")
