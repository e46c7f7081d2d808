"""/api/v1/releases/: the public newsroom (list with filters, search and pagination; one release by slug)
and the staff endpoints, which go through the same services and access rules as the console. One view per
operation, explicit input and output serializers; a refused step answers with the service's message."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humas import access
from humas.errors import Refused
from humas.models import Unit

from . import images, newsroom, publishing
from .models import Category, Language, Release, ReleasePhoto, Status

# --- output --------------------------------------------------------------------------------------------


class PhotoOutput(serializers.ModelSerializer):
    original = serializers.SerializerMethodField()
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = ReleasePhoto
        fields = ["id", "caption", "credit", "alt_text", "order", "is_featured", "width", "height", "original",
                  "renditions"]  # fmt: skip

    def get_original(self, photo) -> str:
        return settings.SITE_URL + photo.image.url if photo.image.url.startswith("/") else photo.image.url

    def get_renditions(self, photo) -> dict[str, str]:
        found = getattr(photo, "renditions_map", None) or {r.spec: r for r in photo.renditions.all()}
        return {spec: (settings.SITE_URL + r.file.url if r.file.url.startswith("/") else r.file.url)
                for spec, r in found.items()}  # fmt: skip


class ReleaseSummaryOutput(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["slug", "title", "summary", "unit", "category", "language", "published_at", "url"]

    def get_url(self, release) -> str:
        from django.urls import reverse

        return settings.SITE_URL + reverse("releases:detail", kwargs={"slug": release.slug})


class ReleaseOutput(ReleaseSummaryOutput):
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    photos = PhotoOutput(many=True, read_only=True, source="page_photos")
    credits = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(source="updated_for_readers", read_only=True)

    class Meta(ReleaseSummaryOutput.Meta):
        fields = [*ReleaseSummaryOutput.Meta.fields, "body", "dateline", "tags", "photos", "credits", "contact",
                  "updated_at", "view_count", "status", "withdrawn_reason"]  # fmt: skip

    def get_credits(self, release) -> dict[str, str]:
        return {
            "writer": release.writer_display,
            "editor": release.editor_display,
            "photographer": release.photographer_display,
        }

    def get_contact(self, release) -> dict[str, str]:
        return {"name": release.contact_name, "phone": release.contact_phone, "email": release.contact_email}


class StaffReleaseOutput(ReleaseOutput):
    class Meta(ReleaseOutput.Meta):
        fields = [*ReleaseOutput.Meta.fields, "id", "publish_at", "review_comment", "created_at"]


# --- public --------------------------------------------------------------------------------------------

FILTER_PARAMS = [
    OpenApiParameter("unit", str, description="unit slug (its sub-units included)"),
    OpenApiParameter("category", str, description="category slug"),
    OpenApiParameter("tag", str, description="tag slug"),
    OpenApiParameter("year", int),
    OpenApiParameter("q", str, description="full-text search"),
]


@extend_schema(parameters=FILTER_PARAMS)
class PublicReleaseList(generics.ListAPIView):
    """Published releases, newest first. Public."""

    serializer_class = ReleaseSummaryOutput
    permission_classes = [AllowAny]

    def get_queryset(self):
        return newsroom.public_list(newsroom.Filters.from_query(self.request.query_params))


class PublicReleaseDetail(APIView):
    """One published (or withdrawn, with its reason) release with photos and renditions. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ReleaseOutput)
    def get(self, request: Request, slug: str) -> Response:
        release = newsroom.release_page(slug)
        if release is None:
            raise NotFound
        return Response(ReleaseOutput(release).data)


# --- staff ---------------------------------------------------------------------------------------------


class ReleaseInput(serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="slug", queryset=Unit.objects.active(), required=False)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=600, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, allow_null=True
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    dateline = serializers.CharField(max_length=60, required=False, allow_blank=True)
    writer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    editor_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    photographer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class ActionInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class PhotoInput(serializers.Serializer):
    image = serializers.FileField()
    caption = serializers.CharField(max_length=600, required=False, allow_blank=True, default="")
    credit = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    alt_text = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    featured = serializers.BooleanField(required=False, default=False)


def refused(exc: Refused) -> Response:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 404:
        raise NotFound
    return Response({"detail": exc.message, "code": exc.code}, status=exc.status)


def _staff_release(request: Request, pk: int, action: str = "release.view") -> Release:
    """404 outside the user's units, 403 when the role does not allow `action` (DRF maps Django's)."""
    return access.get_for(request.user, action, Release.objects.select_related("unit"), pk=pk)


def _staff_output(release: Release) -> dict:
    return StaffReleaseOutput(newsroom.release_page_for_staff(release.pk)).data


class StaffReleaseList(APIView):
    """Releases of the user's units (any status); POST creates a draft."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StaffReleaseOutput(many=True))
    def get(self, request: Request) -> Response:
        queryset = access.scope(request.user, "release.view", Release.objects.select_related("unit", "category"))
        wanted = request.query_params.get("status")
        if wanted in Status.values:
            queryset = queryset.filter(status=wanted)
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(queryset.order_by("-updated_at", "-pk").prefetch_related("tags"), request)
        data = [
            {**ReleaseSummaryOutput(r).data, "id": r.pk, "status": r.status, "publish_at": r.publish_at} for r in page
        ]
        return paginator.get_paginated_response(data)

    @extend_schema(request=ReleaseInput, responses={201: StaffReleaseOutput})
    def post(self, request: Request) -> Response:
        data = ReleaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = values.pop("unit", None)
        if unit is None:  # the unit where the user holds the role, when there is exactly one
            held = {
                uid for uid, role in access.memberships(request.user) if role in access.PERMISSIONS["release.write"]
            }
            if len(held) != 1:
                raise serializers.ValidationError({"unit": [_("Choose the unit (its slug).")]})
            unit = Unit.objects.get(pk=held.pop())
        tags = values.pop("tags", [])
        try:
            release = publishing.create_release(unit=unit, by=request.user, data=values, tags=tags)
        except Refused as exc:
            return refused(exc)
        return Response(_staff_output(release), status=status.HTTP_201_CREATED)


class StaffReleaseDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StaffReleaseOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_staff_output(_staff_release(request, pk)))

    @extend_schema(request=ReleaseInput, responses=StaffReleaseOutput)
    def patch(self, request: Request, pk: int) -> Response:
        release = _staff_release(request, pk, "release.write")
        data = ReleaseInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = values.pop("unit", None)
        tags = values.pop("tags", None)
        try:
            release = publishing.update_release(release, by=request.user, data=values, tags=tags, unit=unit)
        except Refused as exc:
            return refused(exc)
        return Response(_staff_output(release))


class StaffReleaseAction(APIView):
    """One workflow step: submit, return, approve, reopen, schedule, unschedule, publish, withdraw, restore."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ActionInput, responses=StaffReleaseOutput, operation_id="v1_staff_releases_action")
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in publishing.TRANSITIONS:
            raise NotFound
        release = _staff_release(request, pk)
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            release = publishing.take(action, release, by=request.user, **data.validated_data)
        except Refused as exc:
            return refused(exc)
        return Response(_staff_output(release))


class StaffPhotoUpload(APIView):
    """Upload a photo (multipart): checked by content, re-encoded without metadata; renditions follow."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PhotoInput}, responses={201: PhotoOutput})
    def post(self, request: Request, pk: int) -> Response:
        release = _staff_release(request, pk, "release.write")
        data = PhotoInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            photo = images.add_photo(
                release, upload=values.pop("image"), by=request.user, featured=values.pop("featured") or None,
                **values,
            )  # fmt: skip
        except ValidationError as exc:
            return Response({"image": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        except Refused as exc:
            return refused(exc)
        photo = get_object_or_404(ReleasePhoto.objects.prefetch_related("renditions"), pk=photo.pk)
        return Response(PhotoOutput(photo).data, status=status.HTTP_201_CREATED)


class PostOutput(serializers.Serializer):
    channel = serializers.IntegerField(source="channel.pk")
    platform = serializers.CharField(source="channel.platform")
    handle = serializers.CharField(source="channel.handle")
    posted = serializers.SerializerMethodField()
    post_url = serializers.SerializerMethodField()
    posted_at = serializers.SerializerMethodField()

    def get_posted(self, row) -> bool:
        return row.post is not None

    def get_post_url(self, row) -> str:
        return row.post.post_url if row.post else ""

    def get_posted_at(self, row) -> datetime | None:
        return row.post.posted_at if row.post else None


class PostInput(serializers.Serializer):
    channel = serializers.IntegerField()
    post_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class StaffReleasePosts(APIView):
    """The distribution log of one release: GET the checklist of its channels, POST {channel, post_url}
    to record a post."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PostOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        from . import distribution

        return Response(PostOutput(distribution.checklist(_staff_release(request, pk)), many=True).data)

    @extend_schema(request=PostInput, responses=PostOutput(many=True))
    def post(self, request: Request, pk: int) -> Response:
        from . import distribution

        release = _staff_release(request, pk)
        data = PostInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            distribution.log_post(release, channel_id=data.validated_data["channel"], by=request.user,
                                  post_url=data.validated_data.get("post_url", ""))  # fmt: skip
        except Refused as exc:
            if exc.status == 404:
                raise Http404 from None
            return refused(exc)
        return Response(PostOutput(distribution.checklist(release), many=True).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("v1/releases/", PublicReleaseList.as_view(), name="release-list"),
    path("v1/releases/<slug:slug>/", PublicReleaseDetail.as_view(), name="release-detail"),
    path("v1/staff/releases/", StaffReleaseList.as_view(), name="staff-release-list"),
    path("v1/staff/releases/<int:pk>/", StaffReleaseDetail.as_view(), name="staff-release-detail"),
    path("v1/staff/releases/<int:pk>/photos/", StaffPhotoUpload.as_view(), name="staff-release-photos"),
    path("v1/staff/releases/<int:pk>/posts/", StaffReleasePosts.as_view(), name="staff-release-posts"),
    path("v1/staff/releases/<int:pk>/<slug:action>/", StaffReleaseAction.as_view(), name="staff-release-action"),
]
