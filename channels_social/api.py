"""GET /api/v1/channels/ (public, optionally ?unit=<slug>): the active social channels of the units."""

from __future__ import annotations

from django.urls import path
from rest_framework import serializers

from humas.api_views import PublicUnitList

from .models import SocialChannel


class ChannelOutput(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = SocialChannel
        fields = ["unit", "platform", "handle", "url", "accepts_complaints", "order"]


class ChannelList(PublicUnitList):
    serializer_class = ChannelOutput
    ordering = ("unit__name", "order", "platform")

    def base_queryset(self):
        return SocialChannel.objects.filter(is_active=True)


urlpatterns = [path("v1/channels/", ChannelList.as_view(), name="channel-list")]
