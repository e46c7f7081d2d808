"""Public complaint API: file a report (multipart, the same validation, service and throttles as the web
form), track it by its code, list categories. Errors in the one shape of humas.api_errors."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.handling import duplicates
from complaints.models import Attachment, Category, Channel, Complaint
from complaints.public import intake
from complaints.public.forms import ApiComplaintForm
from complaints.public.tracking import public_attachments, public_events
from complaints.public.views import attachment_response
from humas import dates, ratelimit
from humas.api_errors import JSONObjectParser, valid
from humas.api_views import PublicUnitList
from humas.errors import Refused
from humas.security import allow_post, client_ip


class CategoryOutput(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "unit", "name", "description", "resolution_days"]


class CategoryList(PublicUnitList):
    """Active categories, optionally of one unit (`?unit=<slug>`)."""

    serializer_class = CategoryOutput
    ordering = ("unit__name", "order", "name")

    def base_queryset(self):
        return Category.objects.filter(is_active=True)


class EventOutput(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    by_reporter = serializers.BooleanField()
    message = serializers.CharField(source="public_message")
    status = serializers.CharField(source="to_status")
    at = serializers.DateTimeField(source="created_at")
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, event) -> list[dict]:
        code = self.context["code"]
        request = self.context["request"]
        return [
            {
                "name": item.original_name,
                "kind": item.kind,
                "size": item.size,
                "url": request.build_absolute_uri(reverse("api:complaint-attachment", args=[code, item.pk])),
            }
            for item in self.context["attachments"].get(event.pk, [])
        ]


class AnswerOutput(serializers.Serializer):
    """One public answer of the original report a duplicate was joined to."""

    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    message = serializers.CharField(source="public_message")
    unit = serializers.CharField(source="complaint.unit.name")
    at = serializers.DateTimeField(source="created_at")


class TrackingOutput(serializers.ModelSerializer):
    reference = serializers.CharField(source="display_reference")
    unit = serializers.CharField(source="unit.name")
    category = serializers.CharField(source="category.name", default=None, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    received = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    original_answers = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "reference", "kind", "title", "description", "unit", "category", "status", "status_label",
            "created_at", "received", "verification_due_at", "response_due_at", "resolution_due_at", "resolved_at",
            "closed_at", "rating", "events", "original_answers",
        ]  # fmt: skip

    def get_received(self, complaint) -> str:
        return dates.format_datetime(complaint.created_at, complaint.unit.time_zone)

    def get_events(self, complaint) -> list[dict]:
        # attachment links carry the code the client sent (the portal has no clear code to put there)
        context = {**self.context, "attachments": public_attachments(complaint)}
        return EventOutput(public_events(complaint), many=True, context=context).data

    @extend_schema_field(AnswerOutput(many=True))
    def get_original_answers(self, complaint) -> list[dict]:
        """A duplicate's: the public answers of the report it was joined to (empty for any other report)."""
        return AnswerOutput(duplicates.original_answers(complaint), many=True).data


SubmitOutput = inline_serializer(
    "ComplaintReceipt",
    {
        "tracking_code": serializers.CharField(help_text="Shown once: the portal keeps only its keyed hash."),
        "reference": serializers.CharField(),
        "status": serializers.CharField(),
        "unit": serializers.CharField(),
        "verification_due_at": serializers.DateTimeField(),
        "track_url": serializers.URLField(),
    },
)


class ComplaintSubmit(APIView):
    """File a report. multipart/form-data (with `attachments`, up to 5 files) or JSON without files.
    Answers 201 with the tracking code; 400 with the fields' messages; 429 when the address sent too many."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, FormParser, JSONObjectParser]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: SubmitOutput})
    def post(self, request):
        if not allow_post(request, "complaint-submit"):
            raise Refused(
                _("Too many reports were sent from your network in the last hour. Try again later."),
                code="throttled",
                status=429,
            )
        form = valid(ApiComplaintForm(data=request.data, files=request.FILES))
        try:
            complaint = intake.submit_complaint(
                data=form.to_input(),
                files=form.cleaned_data["attachments"],
                channel=Channel.API,
                language=getattr(request, "LANGUAGE_CODE", None),
            )
        except ValidationError as exc:  # an attachment refused while it was re-encoded
            raise serializers.ValidationError({"attachments": exc.messages}) from None
        return Response(
            {
                "tracking_code": complaint.issued_code,
                "reference": complaint.display_reference,
                "status": complaint.status,
                "unit": complaint.unit.name,
                "verification_due_at": complaint.verification_due_at,
                "track_url": f"{settings.SITE_URL}/pengaduan/lacak/",
            },
            status=201,
        )


def _tracked(request, code: str) -> Complaint:
    """The report of `code`; raises Refused (429 when the address looked up too many, 404 when none)."""
    if not ratelimit.allow("complaint-track", client_ip(request)):
        raise Refused(
            _("Too many look-ups from your network. Wait ten minutes and try again."), code="throttled", status=429
        )
    complaint = intake.find_by_code(code)
    if complaint is None:
        raise Refused(_("We found no report with this code."), code="not_found", status=404)
    return complaint


class ComplaintTrack(APIView):
    """The tracking page as JSON: status, due dates and the public history. Never internal notes, never
    the reporter's identity. Throttled per address; a wrong code answers the same whether or not it exists."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: TrackingOutput})
    def get(self, request, code: str):
        found = _tracked(request, code)
        return Response(TrackingOutput(found, context={"request": request, "code": code}).data)


class ComplaintAttachment(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, code: str, pk: int):
        found = _tracked(request, code)
        item = get_object_or_404(Attachment, pk=pk, complaint=found)
        if item not in public_attachments(found).get(item.event_id, []):
            raise Http404
        return attachment_response(item, item.file)


urlpatterns = [
    path("v1/complaints/", ComplaintSubmit.as_view(), name="complaint-submit"),
    path("v1/complaints/<str:code>/", ComplaintTrack.as_view(), name="complaint-track"),
    path("v1/complaints/<str:code>/attachments/<int:pk>/", ComplaintAttachment.as_view(), name="complaint-attachment"),
    path("v1/categories/", CategoryList.as_view(), name="category-list"),
]
