"""GET /api/v1/channels/ (public, optionally ?unit=<slug>): the active social channels of the units."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from .models import SocialChannel


class ChannelOutput(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = SocialChannel
        fields = ["unit", "platform", "handle", "url", "accepts_complaints", "order"]


class ChannelList(generics.ListAPIView):
    serializer_class = ChannelOutput
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("unit", str, description="slug of a unit")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = SocialChannel.objects.filter(is_active=True, unit__is_active=True).select_related("unit")
        unit = self.request.query_params.get("unit")
        if unit:
            queryset = queryset.filter(unit__slug=unit)
        return queryset.order_by("unit__name", "order", "platform")


urlpatterns = [path("v1/channels/", ChannelList.as_view(), name="channel-list")]
