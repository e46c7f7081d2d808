"""/api/: version 1 of the REST API, its OpenAPI 3 schema and the browsable docs (assets served by us)."""

from __future__ import annotations

from django.urls import NoReverseMatch, include, path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from . import dates
from .models import Unit


class UnitOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    time_zone_abbreviation = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "slug", "name", "short_name", "kind", "parent", "time_zone", "time_zone_abbreviation",
            "address", "email", "phone", "logo",
        ]  # fmt: skip

    def get_time_zone_abbreviation(self, unit: Unit) -> str:
        return dates.zone_abbreviation(unit.time_zone)


class UnitList(generics.ListAPIView):
    """Active units with their public contact details. Public."""

    serializer_class = UnitOutput
    permission_classes = [AllowAny]
    queryset = Unit.objects.active().select_related("parent").order_by("name")


class UnitDetail(generics.RetrieveAPIView):
    serializer_class = UnitOutput
    permission_classes = [AllowAny]
    queryset = Unit.objects.active().select_related("parent")
    lookup_field = "slug"


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request) -> Response:
    """The endpoints of version 1."""
    endpoints = {
        "units": "api:unit-list",
        "releases": "api:release-list",
        "categories": "api:category-list",
        "complaints": "api:complaint-submit",
        "channels": "api:channel-list",
        "information_requests": "api:information-request-submit",
        "schema": "api:schema",
        "docs": "api:docs",
    }
    found = {}
    for key, name in endpoints.items():
        try:
            found[key] = request.build_absolute_uri(reverse(name))
        except NoReverseMatch:
            continue  # an app whose API is not installed
    return Response(found)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package; it sets inline styles, so its page alone relaxes style-src."""

    schema = None  # not an endpoint of the API itself

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
        )
        return response


api_patterns = [
    path("v1/", api_root, name="root"),
    path("v1/units/", UnitList.as_view(), name="unit-list"),
    path("v1/units/<slug:slug>/", UnitDetail.as_view(), name="unit-detail"),
    path("", include("complaints.public.api")),
    path("", include("complaints.handling.api")),
    path("", include("channels_social.api")),
    path("", include("releases.api")),
    path("", include("information.public.api")),
    path("", include("monitoring.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [path("", include((api_patterns, "api")))]
