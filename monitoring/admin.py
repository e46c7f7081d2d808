"""Configuration in the Django admin: sources (their address checked against the SSRF rules, as in the console),
watchlist terms, and the clippings to look up (read only but for their relevance)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from . import fetching
from .models import Clipping, Source, WatchTerm


class SourceAdminForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("feed address"), max_length=500, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["unit", "name", "outlet", "url", "is_active", "interval_minutes"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            fetching.check_address(url)
        except fetching.FetchError as exc:
            if exc.refused:
                raise forms.ValidationError(exc.message, code="refused") from None
        return url


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    list_display = ["outlet", "name", "unit", "is_active", "last_status", "last_fetch_at", "failures"]
    list_filter = ["is_active", "last_status"]
    search_fields = ["outlet", "name", "url", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(WatchTerm)
class WatchTermAdmin(admin.ModelAdmin):
    list_display = ["phrase", "unit", "is_exclusion"]
    list_filter = ["is_exclusion"]
    search_fields = ["phrase", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(Clipping)
class ClippingAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "unit", "published_at", "tone", "is_irrelevant"]
    list_filter = ["tone", "is_irrelevant"]
    search_fields = ["title", "url", "outlet"]
    list_select_related = ["unit"]
    date_hierarchy = "published_at"
    fields = ["unit", "outlet", "title", "summary", "url", "published_at", "matched_terms", "tone", "is_irrelevant"]
    readonly_fields = ["unit", "outlet", "title", "summary", "url", "published_at", "matched_terms", "tone"]

    def has_add_permission(self, request) -> bool:
        return False  # added from the console, where duplicates are caught and the tone is computed
