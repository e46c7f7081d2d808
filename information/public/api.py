"""Public API of information requests: file one (multipart or JSON; the same form, service and throttle as
the web page) and track it by its code. Errors in the one shape of humas.api_errors."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from humas import dates, ratelimit
from humas.api_errors import JSONObjectParser, valid
from humas.errors import Refused
from humas.security import client_ip
from information.models import Channel, InformationRequest
from information.public import intake
from information.public.forms import ApiRequestForm
from information.public.timeline import public_events

ReceiptOutput = inline_serializer(
    "InformationRequestReceipt",
    {
        "tracking_code": serializers.CharField(),
        "number": serializers.CharField(),
        "status": serializers.CharField(),
        "unit": serializers.CharField(),
        "due_at": serializers.DateTimeField(),
        "track_url": serializers.URLField(),
    },
)


class EventOutput(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    message = serializers.CharField(source="public_message")
    status = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class RequestTrackingOutput(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")
    due = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "number", "unit", "information", "status", "status_label", "registered_at", "due_at", "due",
            "extended_at", "decided_at", "exemption", "forward_to", "events",
        ]  # fmt: skip

    def get_due(self, obj) -> str:
        return dates.format_datetime(obj.due_at, obj.unit.time_zone)

    def get_events(self, obj) -> list[dict]:
        return EventOutput(public_events(obj), many=True).data


class RequestSubmit(APIView):
    """File a request for public information. multipart/form-data (with `legal_document` for an
    organisation) or JSON. 201 with the tracking code (shown only here) and the registration number; 400
    with the fields' messages; 429 when the address sent too many."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, FormParser, JSONObjectParser]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: ReceiptOutput})
    def post(self, request):
        if not ratelimit.allow("information-submit", client_ip(request)):
            raise Refused(
                _("Too many requests were sent from your network in the last hour. Try again later."),
                code="throttled",
                status=429,
            )
        form = valid(ApiRequestForm(data=request.data, files=request.FILES))
        try:
            info_request, code = intake.submit_request(
                data=form.to_input(),
                document=form.cleaned_data.get("legal_document"),
                channel=Channel.API,
                language=getattr(request, "LANGUAGE_CODE", None),
            )
        except ValidationError as exc:
            raise serializers.ValidationError({"legal_document": exc.messages}) from None
        return Response(
            {
                "tracking_code": intake.display_code(code),
                "number": info_request.number,
                "status": info_request.status,
                "unit": info_request.unit.name,
                "due_at": info_request.due_at,
                "track_url": f"{settings.SITE_URL}/informasi/lacak/",
            },
            status=201,
        )


class RequestTrack(APIView):
    """The tracking page as JSON: status, due date, the public history. Never the requester's data."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: RequestTrackingOutput})
    def get(self, request, code: str):
        if not ratelimit.allow("information-track", client_ip(request)):
            raise Refused(
                _("Too many look-ups from your network. Wait ten minutes and try again."), code="throttled", status=429
            )
        found = intake.find_by_code(code)
        if found is None:
            raise Refused(_("We found no request with this code."), code="not_found", status=404)
        return Response(RequestTrackingOutput(found).data)


urlpatterns = [
    path("v1/information-requests/", RequestSubmit.as_view(), name="information-request-submit"),
    path("v1/information-requests/<str:code>/", RequestTrack.as_view(), name="information-request-track"),
]
