from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints import retention
from complaints.handling import queue, replies
from complaints.models import OPEN_STATUSES, Attachment, Category, Complaint, ComplaintEvent, ReplyTemplate
from complaints.public import intake
from humas import access


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


IDENTITY_FIELDS = ["reporter_name", "reporter_email", "reporter_phone"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: reports change only through the workflow's service functions (the staff console)."""

    list_display = ["display_reference", "title", "kind", "unit", "status", "channel", "created_at"]
    list_filter = ["status", "kind", "channel", "visibility", "identity_mode"]
    search_fields = ["title"]
    list_select_related = ["unit"]
    date_hierarchy = "created_at"
    inlines = [EventInline, AttachmentInline]
    actions = ["erase_reporter_data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """The title's words, or a reference as staff see it ('#2026-000123')."""
        by_reference = queryset.filter(pk__in=intake.by_reference(search_term).values("pk"))
        if by_reference.exists():
            return by_reference, False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        """Only the reports of the user's units, as in the console (another unit's report: 404)."""
        queryset = super().get_queryset(request).select_related("unit", "category")
        return access.scope(request.user, "complaint.view", queryset)

    def get_exclude(self, request, obj=None):
        """The reporter's name, e-mail and phone only where the console would show them (never an `anonim`
        reporter's to the handling unit)."""
        if obj is not None and queue.shows_identity(request.user, obj):
            return super().get_exclude(request, obj)
        return [*(super().get_exclude(request, obj) or []), *IDENTITY_FIELDS]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ErasureRequested]

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("complaints.change_complaint")

    @admin.action(
        description=_("Erase the reporter's personal data (asked for by the reporter)"), permissions=["erase"]
    )
    def erase_reporter_data(self, request, queryset):
        """Confirms the reporters' requests: only reports whose reporter asked, and that are no longer open."""
        asked = queryset.filter(erasure_requested_at__isnull=False).exclude(status__in=OPEN_STATUSES)
        count = retention.erase(asked.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "The reporter's data of %(count)d report was erased.",
                "The reporters' data of %(count)d reports was erased.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


class ErasureRequested(admin.SimpleListFilter):
    title = _("erasure asked for")
    parameter_name = "erasure"

    def lookups(self, request, model_admin):
        return [("asked", _("asked for, not done yet")), ("done", _("erased"))]

    def queryset(self, request, queryset):
        if self.value() == "asked":
            return queryset.filter(erasure_requested_at__isnull=False, anonymised_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(anonymised_at__isnull=False)
        return queryset
