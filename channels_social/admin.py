from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from . import channels
from .models import Post, SocialChannel


class SocialChannelAdminForm(channels.ChannelUrlFormMixin, forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("address"), max_length=300, assume_scheme="https")

    class Meta:
        model = SocialChannel
        fields = ["unit", "platform", "handle", "url", "order", "is_active", "accepts_complaints"]


@admin.register(SocialChannel)
class SocialChannelAdmin(admin.ModelAdmin):
    form = SocialChannelAdminForm
    list_display = ["handle", "platform", "unit", "order", "is_active", "accepts_complaints"]
    list_filter = ["platform", "is_active", "accepts_complaints"]
    search_fields = ["handle", "url", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["content", "channel", "posted_at", "by"]
    list_filter = ["channel__platform"]
    search_fields = ["content", "post_url"]
    list_select_related = ["channel", "by"]
    autocomplete_fields = ["channel"]
    raw_id_fields = ["by"]
