"""GET /api/v1/staff/issues/: the PRCC view's figures, through the same form and selector as the page."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humas import access
from humas.api_errors import valid

from . import issues
from .forms import IssuesQueryForm


class MayViewMonitoring(BasePermission):
    def has_permission(self, request, view):
        if not access.is_staff_member(request.user):
            return False
        if not access.has_any(request.user, "monitoring.view"):
            raise PermissionDenied
        return True


class OutletOutput(serializers.Serializer):
    name = serializers.CharField()
    clippings = serializers.IntegerField()


class IssueOutput(serializers.Serializer):
    term = serializers.CharField()
    label = serializers.CharField()
    volume = serializers.IntegerField()
    previous = serializers.IntegerField()
    change = serializers.CharField()
    ratio = serializers.FloatField(allow_null=True)
    clippings = serializers.IntegerField()
    complaints = serializers.IntegerField()
    tone = serializers.DictField(child=serializers.IntegerField(), source="tones")
    outlets = serializers.SerializerMethodField()
    clippings_url = serializers.CharField()
    complaints_url = serializers.CharField()

    def get_outlets(self, issue) -> list[dict]:
        return [{"name": name, "clippings": count} for name, count in issue.outlets]


class IssuesOutput(serializers.Serializer):
    period = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    issues = IssueOutput(many=True)


class StaffIssues(APIView):
    authentication_classes = [SessionAuthentication, TokenAuthentication]
    permission_classes = [MayViewMonitoring]

    @extend_schema(
        parameters=[
            OpenApiParameter("periode", str, enum=["24h", "7d", "30d"], description="default 7d"),
            OpenApiParameter("unit", str, description="a unit's slug (with the units below it); default all yours"),
        ],
        responses=IssuesOutput,
    )
    def get(self, request: Request) -> Response:
        """The top 5 issues across clippings and complaints, with volume, change, tone split and outlets."""
        form = valid(IssuesQueryForm(request.query_params, user=request.user))
        period, unit = form.cleaned_data["periode"], form.cleaned_data["unit"]
        found = issues.top_issues(form.scope(), period=period)
        return Response(IssuesOutput({"period": period, "unit": unit.slug if unit else None, "issues": found}).data)


urlpatterns = [path("v1/staff/issues/", StaffIssues.as_view(), name="staff-issues")]
