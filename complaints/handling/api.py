"""Staff API under /api/v1/staff/: the queue with the console's filters, one report, and one endpoint per
action, all through the same selectors, services and access rules as the console. Session or token auth."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.handling import queue, sla
from complaints.handling.forms import ACTION_FORMS, run_action
from complaints.models import Complaint
from humas import access
from humas.api_errors import form_errors, valid
from humas.errors import Refused


class IsStaffMember(BasePermission):
    def has_permission(self, request, view):
        return access.is_staff_member(request.user)


class StaffAPIView(APIView):
    authentication_classes = [SessionAuthentication, TokenAuthentication]
    permission_classes = [IsStaffMember]


class EventStaffOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    by_reporter = serializers.BooleanField()
    actor = serializers.SerializerMethodField()
    public_message = serializers.CharField()
    internal_note = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    to_unit = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    at = serializers.DateTimeField(source="created_at")

    def get_actor(self, event) -> str | None:
        return event.actor.username if event.actor_id else None


class ComplaintStaffOutput(serializers.ModelSerializer):
    reference = serializers.CharField(source="display_reference")
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.CharField(source="category.name", default=None, allow_null=True)
    assigned_to = serializers.CharField(source="assigned_to.username", default=None, allow_null=True)
    due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id", "reference", "kind", "title", "unit", "category", "channel", "status", "visibility",
            "identity_mode", "created_at", "due", "overdue", "assigned_to", "reporter",
        ]  # fmt: skip

    def get_due(self, complaint) -> datetime | None:
        return sla.current_due(complaint)

    def get_overdue(self, complaint) -> bool:
        return sla.is_overdue(complaint)

    def get_reporter(self, complaint) -> dict | None:
        if not queue.shows_identity(self.context["request"].user, complaint):
            return None
        return {"name": complaint.reporter_name, "email": complaint.reporter_email, "phone": complaint.reporter_phone}


class ComplaintStaffDetail(ComplaintStaffOutput):
    events = serializers.SerializerMethodField()

    class Meta(ComplaintStaffOutput.Meta):
        fields = [*ComplaintStaffOutput.Meta.fields, "description", "location", "incident_date", "events"]

    def get_events(self, complaint) -> list[dict]:
        events = complaint.events.select_related("actor", "to_unit").order_by("created_at", "pk")
        return EventStaffOutput(events, many=True).data


class QueuePagination(PageNumberPagination):
    page_size = 25
    page_query_param = "halaman"


class StaffQueue(StaffAPIView):
    """The queue, with the console's filters as query parameters (q, status, unit, category, kind, channel,
    deadline=overdue|soon, mine=true, since, until, sort)."""

    pagination_class = QueuePagination  # read by the schema: the list is paginated

    @extend_schema(responses={200: ComplaintStaffOutput(many=True)})
    def get(self, request):
        if not access.has_any(request.user, "complaint.view"):
            raise Http404
        form, reports = queue.filtered(request.user, request.query_params)
        if form.is_bound and form.errors:
            raise serializers.ValidationError(form_errors(form))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(
            ComplaintStaffOutput(page, many=True, context={"request": request}).data
        )


def _visible(request, pk: int) -> Complaint:
    return get_object_or_404(queue.visible(request.user).select_related("unit", "category", "assigned_to"), pk=pk)


class StaffComplaint(StaffAPIView):
    @extend_schema(responses={200: ComplaintStaffDetail})
    def get(self, request, pk: int):
        return Response(ComplaintStaffDetail(_visible(request, pk), context={"request": request}).data)


class StaffAction(StaffAPIView):
    """One action on one report: verify, reject, mark_duplicate, forward (to_unit=<slug>), assign (officer=<id>),
    respond, request_info, resume, add_note, resolve, close, reopen, split_duplicate. Send `request_id` to make a
    retry safe."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: ComplaintStaffDetail})
    def post(self, request, pk: int, name: str):
        complaint = _visible(request, pk)
        if name not in ACTION_FORMS:
            raise Refused(_("Unknown action."), code="unknown_action", status=404)
        form = valid(ACTION_FORMS[name](data=request.data, complaint=complaint))
        run_action(name, complaint, request.user, form.cleaned_data)  # a Refused is answered by humas.api_errors
        complaint = Complaint.objects.select_related("unit", "category", "assigned_to").get(pk=pk)
        return Response(ComplaintStaffDetail(complaint, context={"request": request}).data)


urlpatterns = [
    path("v1/staff/complaints/", StaffQueue.as_view(), name="staff-complaint-list"),
    path("v1/staff/complaints/<int:pk>/", StaffComplaint.as_view(), name="staff-complaint-detail"),
    path("v1/staff/complaints/<int:pk>/<slug:name>/", StaffAction.as_view(), name="staff-complaint-action"),
]
