"""Building blocks shared by the apps' public API views."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny


class PublicUnitList(generics.ListAPIView):
    """A public, unpaginated list of things that belong to units, optionally of one unit (`?unit=<slug>`).
    Subclasses give `serializer_class`, `base_queryset()` and `ordering`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None
    ordering: tuple[str, ...] = ()

    @extend_schema(parameters=[OpenApiParameter("unit", str, description="slug of a unit")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset().filter(unit__is_active=True).select_related("unit")
        unit = self.request.query_params.get("unit")
        if unit:
            queryset = queryset.filter(unit__slug=unit)
        return queryset.order_by(*self.ordering)
