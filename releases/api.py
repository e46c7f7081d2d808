"""/api/v1/releases/: the public newsroom (list with filters, search and pagination; one release by slug)
and the staff endpoints, which go through the same services and access rules as the console. One view per
operation with its output serializer; input is validated by the console's own forms (releases.forms), and a
refusal or a validation error is raised and answered by the one handler (humas.api_errors)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humas import access
from humas.api_errors import valid
from humas.models import Unit

from . import images, publishing
from .forms import ActionForm, PhotoForm, ReleaseForm
from .models import Language, Release, ReleasePhoto, Status
from .newsroom import selectors
from .social import posts
from .social.forms import PostForm

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
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
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


class StaffReleaseListItem(ReleaseSummaryOutput):
    class Meta(ReleaseSummaryOutput.Meta):
        fields = [*ReleaseSummaryOutput.Meta.fields, "id", "status", "publish_at"]


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
        return selectors.public_list(selectors.Filters.from_query(self.request.query_params))


class PublicReleaseDetail(APIView):
    """One published (or withdrawn, with its reason) release with photos and renditions. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ReleaseOutput)
    def get(self, request: Request, slug: str) -> Response:
        release = selectors.release_page(slug)
        if release is None:
            raise NotFound
        return Response(ReleaseOutput(release).data)


# --- staff ---------------------------------------------------------------------------------------------


class ReleaseInput(serializers.Serializer):
    """The JSON body of a release's creation or change, for the schema. It is validated by the console's
    ReleaseForm (unit and category by slug, tags as a list); a field left out keeps its value."""

    unit = serializers.SlugField(required=False, help_text="unit slug; optional when you write for one unit")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=600, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    category = serializers.SlugField(required=False, allow_null=True, help_text="category slug")
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    dateline = serializers.CharField(max_length=60, required=False, allow_blank=True)
    writer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    editor_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    photographer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class ActionInput(serializers.Serializer):
    """For the schema; validated by the console's ActionForm (`publish_at` without an offset is read in the
    release's unit's time zone, as in the console)."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class PhotoInput(serializers.Serializer):
    """For the schema; validated by the console's PhotoForm."""

    image = serializers.FileField()
    caption = serializers.CharField(max_length=600, required=False, allow_blank=True, default="")
    credit = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    alt_text = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    featured = serializers.BooleanField(required=False, default=False)


def release_form(request: Request, release: Release | None) -> ReleaseForm:
    """The console's ReleaseForm filled from the JSON body over the release's current values (a new
    release's defaults), so that a field left out keeps its value."""
    current = release or Release()
    data = {name: value for name, value in model_to_dict(current, fields=publishing.EDITABLE_FIELDS).items()
            if value is not None}  # fmt: skip
    data["category"] = current.category.slug if current.category_id else ""
    data["unit"] = release.unit.slug if release else _only_unit(request.user)
    given = request.data
    if not isinstance(given, dict):
        raise serializers.ValidationError({"detail": _("Send the release's fields as a JSON object.")})
    data.update({name: given[name] for name in ("unit", *publishing.EDITABLE_FIELDS) if name in given})
    tags = given.get("tags")
    if tags is not None:
        data["tags_text"] = ", ".join(str(t) for t in tags) if isinstance(tags, list) else str(tags)
    return valid(ReleaseForm({k: "" if v is None else v for k, v in data.items()}, instance=release,
                             user=request.user, by_slug=True))  # fmt: skip


def _only_unit(user) -> str:
    """The slug of the unit where the user holds a writing role, when there is exactly one."""
    held = {uid for uid, role in access.memberships(user) if role in access.PERMISSIONS["release.write"]}
    return Unit.objects.get(pk=held.pop()).slug if len(held) == 1 else ""


def _staff_release(request: Request, pk: int, action: str = "release.view") -> Release:
    """404 outside the user's units, 403 when the role does not allow `action` (DRF maps Django's)."""
    return access.get_for(request.user, action, Release.objects.select_related("unit"), pk=pk)


def _staff_output(release: Release) -> dict:
    return StaffReleaseOutput(selectors.release_page_for_staff(release.pk)).data


class StaffReleaseList(APIView):
    """Releases of the user's units (any status); POST creates a draft."""

    permission_classes = [IsAuthenticated]
    pagination_class = generics.GenericAPIView.pagination_class  # read by the schema: the list is paginated

    @extend_schema(
        responses=StaffReleaseListItem(many=True),
        parameters=[OpenApiParameter("status", str, enum=Status.values), OpenApiParameter("page", int)],
    )
    def get(self, request: Request) -> Response:
        queryset = access.scope(request.user, "release.view", Release.objects.select_related("unit", "category"))
        wanted = request.query_params.get("status")
        if wanted in Status.values:
            queryset = queryset.filter(status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset.order_by("-updated_at", "-pk").prefetch_related("tags"), request)
        return paginator.get_paginated_response(StaffReleaseListItem(page, many=True).data)

    @extend_schema(request=ReleaseInput, responses={201: StaffReleaseOutput})
    def post(self, request: Request) -> Response:
        form = release_form(request, None)
        release = publishing.create_release(
            unit=form.cleaned_data["unit"], by=request.user, data=form.service_data(), tags=form.tag_names()
        )
        return Response(_staff_output(release), status=status.HTTP_201_CREATED)


class StaffReleaseDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StaffReleaseOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_staff_output(_staff_release(request, pk)))

    @extend_schema(request=ReleaseInput, responses=StaffReleaseOutput)
    def patch(self, request: Request, pk: int) -> Response:
        release = _staff_release(request, pk, "release.write")
        form = release_form(request, release)
        tags = form.tag_names() if "tags" in request.data else None  # tags left out keep their values
        release = publishing.update_release(
            release, by=request.user, data=form.service_data(), tags=tags, unit=form.cleaned_data["unit"]
        )
        return Response(_staff_output(release))


class StaffReleaseAction(APIView):
    """One workflow step: submit, return, approve, reopen, schedule, unschedule, publish, withdraw, restore."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ActionInput, responses=StaffReleaseOutput, operation_id="v1_staff_releases_action")
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in publishing.TRANSITIONS:
            raise NotFound
        release = _staff_release(request, pk)
        form = valid(ActionForm(request.data, time_zone=release.unit.time_zone))
        release = publishing.take(action, release, by=request.user, **form.cleaned_data)
        return Response(_staff_output(release))


class StaffPhotoUpload(APIView):
    """Upload a photo (multipart): checked by content, re-encoded without metadata; renditions follow."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PhotoInput}, responses={201: PhotoOutput})
    def post(self, request: Request, pk: int) -> Response:
        release = _staff_release(request, pk, "release.write")
        values = dict(valid(PhotoForm(request.data, request.FILES)).cleaned_data)
        try:
            photo = images.add_photo(
                release, upload=values.pop("image"), by=request.user, featured=values.pop("featured") or None,
                **values,
            )  # fmt: skip
        except ValidationError as exc:
            raise serializers.ValidationError({"image": exc.messages}) from None
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
    """For the schema; validated by the console's PostForm."""

    channel = serializers.IntegerField()
    post_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class StaffReleasePosts(APIView):
    """The social distribution log of one release: GET the checklist of its channels, POST {channel, post_url}
    to record a post."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PostOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return Response(PostOutput(posts.checklist(_staff_release(request, pk)), many=True).data)

    @extend_schema(request=PostInput, responses=PostOutput(many=True))
    def post(self, request: Request, pk: int) -> Response:
        release = _staff_release(request, pk)
        form = valid(PostForm(request.data))
        posts.log_post(release, channel_id=form.cleaned_data["channel"], by=request.user,
                       post_url=form.cleaned_data["post_url"])  # fmt: skip
        return Response(PostOutput(posts.checklist(release), many=True).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("v1/releases/", PublicReleaseList.as_view(), name="release-list"),
    path("v1/releases/<slug:slug>/", PublicReleaseDetail.as_view(), name="release-detail"),
    path("v1/staff/releases/", StaffReleaseList.as_view(), name="staff-release-list"),
    path("v1/staff/releases/<int:pk>/", StaffReleaseDetail.as_view(), name="staff-release-detail"),
    path("v1/staff/releases/<int:pk>/photos/", StaffPhotoUpload.as_view(), name="staff-release-photos"),
    path("v1/staff/releases/<int:pk>/posts/", StaffReleasePosts.as_view(), name="staff-release-posts"),
    path("v1/staff/releases/<int:pk>/<slug:action>/", StaffReleaseAction.as_view(), name="staff-release-action"),
]
