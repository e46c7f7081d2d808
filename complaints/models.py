"""Complaints (laporan): what a citizen reports, its immutable history, its attachments and categories."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from humas.models import ImmutableModel, TimeStampedModel, Unit

TRACKING_PREFIX = "ADU"


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read from the settings at each use) with no URL at all: only views that
    check access can hand them out."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # FileSystemStorage.url() refuses: "This file is not accessible via a URL."


private_storage = PrivateStorage()


def get_private_storage():
    """Given to the FileFields as a callable, so migrations name this function instead of a path."""
    return private_storage


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    ASPIRATION = "aspiration", _("Aspiration")
    INFORMATION_REQUEST = "information_request", _("Information request")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API / app")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("Walk-in")
    SOCIAL_MEDIA = "social_media", _("Social media")


class IdentityMode(models.TextChoices):
    NAMED = "named", _("Named")
    ANONIM = "anonim", _("Identity kept confidential (anonim)")
    ANONYMOUS = "anonymous", _("Fully anonymous")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    RAHASIA = "rahasia", _("Confidential (rahasia)")


class Status(models.TextChoices):
    NEW = "new", _("New")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_REPORTER = "waiting_reporter", _("Waiting for the reporter")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.VERIFIED, Status.IN_PROGRESS, Status.WAITING_REPORTER)
# statuses in which a public report may show on the public board: staff have looked at it
BOARD_STATUSES = (Status.VERIFIED, Status.IN_PROGRESS, Status.WAITING_REPORTER, Status.RESOLVED, Status.CLOSED)


class RejectReason(models.TextChoices):
    NOT_OUR_AUTHORITY = "not_our_authority", _("Not our authority")
    INCOMPLETE = "incomplete", _("Incomplete")
    DUPLICATE = "duplicate", _("Duplicate")
    SPAM = "spam", _("Spam or abuse")


class ResolutionTier(models.IntegerChoices):
    FAST = 5, _("5 working days")
    MEDIUM = 14, _("14 working days")
    LONG = 60, _("60 working days")


class Category(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="categories", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description shown on the form"), max_length=300, blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. jalan, lubang, aspal.")
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("resolution tier"), choices=ResolutionTier.choices, default=ResolutionTier.MEDIUM
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["unit__name", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="category_unique_per_unit")]

    def __str__(self) -> str:
        return self.name


class Complaint(TimeStampedModel):
    # the reporter's code is a secret shown once (humas.codes): the row keeps only its keyed hash. Staff,
    # exports, the staff API and e-mails name a report by its `reference` (year and number, e.g. 2026-000123)
    # unique through Meta.constraints: a unique=True CharField gets a second, LIKE-pattern index on PostgreSQL
    # that no look-up here uses and every filing would pay for
    tracking_digest = models.CharField(_("tracking code (keyed hash)"), max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.COMPLAINT)
    # its index is complaint_queue_idx, which leads with it
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), related_name="complaints", on_delete=models.PROTECT, db_index=False
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), related_name="complaints", on_delete=models.SET_NULL, null=True
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # the reported spot (WGS 84), optional; exact values for staff only, rounded on every public page and feed
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    social_channel = models.ForeignKey(
        "channels_social.SocialChannel",
        verbose_name=_("social channel"),
        related_name="complaints",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    reporter_name = models.CharField(_("reporter's name"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    identity_mode = models.CharField(
        _("identity"), max_length=10, choices=IdentityMode.choices, default=IdentityMode.NAMED
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    consent_at = models.DateTimeField(_("personal-data consent given at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    verification_due_at = models.DateTimeField(_("verify by"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response by"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # handling (the staff workflow)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        related_name="assigned_complaints",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=20, choices=RejectReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        related_name="duplicates",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting for the reporter since"), null=True, blank=True)
    # retention (complaints.retention): the reporter asked for their data to be erased; it was
    erasure_requested_at = models.DateTimeField(_("erasure asked for at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("reporter's data erased at"), null=True, blank=True)

    # not a column: the report's share of the summary tables when a service locked it (set by
    # complaints.reporting.summaries.track), so that the service's change can be written to them
    summary_shares: dict | None = None
    # not a column: the clear tracking code of a report just filed (intake sets it; shown once, never stored)
    issued_code: str | None = None

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "status", "-created_at"], name="complaint_queue_idx"),
            models.Index(fields=["visibility", "status", "-created_at"], name="complaint_board_idx"),
            # the public map's bounding-box queries, over public reports with a point only
            models.Index(
                fields=["latitude", "longitude"],
                include=["status", "created_at"],
                condition=models.Q(visibility="public", latitude__isnull=False),
                name="complaint_map_idx",
            ),
            # staff's "reports near this one"
            models.Index(
                fields=["latitude", "longitude", "created_at"],
                condition=models.Q(latitude__isnull=False),
                name="complaint_point_idx",
            ),
            # the queue's and the digest's overdue and due-soon filters over open reports, from the index alone
            models.Index(
                fields=["unit", "status"],
                include=["verification_due_at", "response_due_at", "resolution_due_at", "first_response_at"],
                condition=models.Q(status__in=["new", "verified", "in_progress", "waiting_reporter"]),
                name="complaint_open_due_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_digest"], name="complaint_tracking_digest_unique"),
            models.CheckConstraint(
                condition=~models.Q(identity_mode="anonymous")
                | (models.Q(reporter_name="") & models.Q(reporter_email="") & models.Q(reporter_phone="")),
                name="complaint_anonymous_has_no_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="complaint_point_both_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_reference} {self.title}"

    @property
    def reference(self) -> str:
        """'2026-000123': the year the report was filed (the site's calendar, TIME_ZONE) and its number (the
        row's id). Made from two values that never change, so it needs no column of its own and costs the
        filing nothing; not a secret and not a credential: it opens nothing without a staff login."""
        if self.pk is None or self.created_at is None:
            return ""
        return f"{self.created_at.astimezone(ZoneInfo(settings.TIME_ZONE)).year}-{self.pk:06d}"

    @property
    def display_reference(self) -> str:
        """'#2026-000123': how staff, exports and e-mails name the report."""
        return f"#{self.reference}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Report received")
    INFO_ADDED = "info_added", _("Reporter added information")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    FORWARDED = "forwarded", _("Forwarded to another unit")
    ASSIGNED = "assigned", _("Assigned")
    RESPONSE = "response", _("Response")
    NOTE = "note", _("Internal note")
    WAITING_REPORTER = "waiting_reporter", _("More information requested")
    RESUMED = "resumed", _("Handling resumed")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Rated by the reporter")
    OBJECTED = "objected", _("Reporter objected; reopened")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    SPLIT = "split", _("Split off from the original")
    CLARIFICATION = "clarification", _("Clarification published")


class ComplaintEvent(ImmutableModel):
    """One step of a complaint's history. Written once, never changed or deleted."""

    complaint = models.ForeignKey(Complaint, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT
    )
    by_reporter = models.BooleanField(_("by the reporter"), default=False)
    public_message = models.TextField(_("public message"), max_length=5000, blank=True)
    internal_note = models.TextField(_("internal note"), max_length=5000, blank=True)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    # the form's one-time token: the same submission (two tabs, a double click) is applied once
    request_id = models.CharField(max_length=40, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(by_reporter=True) & models.Q(actor__isnull=False)), name="event_one_author"
            ),
            models.UniqueConstraint(
                fields=["complaint", "request_id"], condition=~models.Q(request_id=""), name="event_request_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Clarification(models.Model):
    """A press release linked to a report as its public clarification. The release lives in `releases`, which
    complaints never imports: it is named by its id, and what the reporter is shown of it (title, summary,
    address) is copied here when they are told. Made and read by complaints.handling.clarifications."""

    complaint = models.ForeignKey(Complaint, related_name="clarifications", on_delete=models.CASCADE)
    release_id = models.BigIntegerField(_("press release"), db_index=True)
    release_title = models.CharField(_("release title"), max_length=200)
    release_summary = models.TextField(_("release summary"), blank=True)
    release_url = models.URLField(_("release address"), max_length=500, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("linked by"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("reporter told at"), null=True, blank=True)
    event = models.ForeignKey(
        ComplaintEvent, verbose_name=_("event"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "release_id"], name="clarification_once_per_release"),
        ]
        indexes = [
            models.Index(fields=["release_id"], condition=models.Q(notified_at__isnull=True), name="clarification_due")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} ← {self.release_id}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, related_name="attachments", on_delete=models.CASCADE)
    event = models.ForeignKey(ComplaintEvent, related_name="attachments", on_delete=models.CASCADE, null=True)
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), storage=get_private_storage, upload_to="complaints/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), storage=get_private_storage, upload_to="complaints/%Y/%m/", blank=True)
    original_name = models.CharField(_("original name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Grain(models.TextChoices):
    DAY = "d", _("day")
    MONTH = "m", _("month")


class RecapCount(models.Model):
    """How many reports filed in a day or a calendar month (`start` is that day or the month's first day, in
    the unit's own calendar) a unit has, in three facets kept side by side:

    - per kind and current status: `kind` and `status` set, `channel` blank;
    - per channel: `channel` set, `kind` and `status` blank;
    - the total: all three blank (kept per day only, for the weekly line and "new today").

    Kept up to date by complaints.reporting.summaries in the same transaction as every filing, status change and
    forwarding, so the recap and the dashboard add up a few hundred rows instead of scanning the reports:
    a year's recap reads twelve month rows per unit and facet value, not 365 day rows."""

    # indexed by the unique constraint below, which leads with it
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="+", on_delete=models.CASCADE, db_index=False)
    grain = models.CharField(_("grain"), max_length=1, choices=Grain.choices)
    start = models.DateField(_("first day"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("recap count")
        verbose_name_plural = _("recap counts")
        # its index also serves the readers: (unit, grain, start) ranges. Upserts need it on SQLite too, so no
        # covering INCLUDE (SQLite would drop the whole constraint)
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "grain", "start", "kind", "status", "channel"], name="recap_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.start} {self.unit_id} {self.kind}/{self.status}/{self.channel}: {self.count}"


class DueCount(models.Model):
    """How many open reports of a unit have their next deadline (`sla.current_due`: verification for a new
    report, the earlier of first answer and resolution while handled, none while waiting for the reporter) at
    `due_at`. Deadlines fall at 23:59:59 of a working day in the unit's calendar, so a unit has one row per
    day with deadlines; "overdue" and "due soon" add up the rows before now and up to the next working day.
    Kept up to date by complaints.reporting.summaries whenever a report enters or leaves a state or a deadline moves."""

    # indexed by the unique constraint below, which leads with it
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="+", on_delete=models.CASCADE, db_index=False)
    due_at = models.DateTimeField(_("due at"))
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("open deadline count")
        verbose_name_plural = _("open deadline counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "due_at"], name="due_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.due_at:%Y-%m-%d %H:%M}: {self.count}"


class Metric(models.TextChoices):
    VERIFY = "verify", _("time to verify")
    RESPOND = "respond", _("time to first answer")
    RESOLVE = "resolve", _("time to resolve")


class HandlingTime(models.Model):
    """The reports of a unit verified (or first answered, or resolved) in a calendar month of the site's time
    zone, per bucket of the time taken since filing: `bucket` is that time in whole minutes under an hour and
    in whole hours (as minutes) from an hour on, so medians are exact to the minute below an hour and to the hour above.
    `on_time` counts those done by their deadline; `rated` and `rating_sum` the ratings of resolved ones.
    Kept up to date by complaints.reporting.summaries; the dashboard reads this month's rows."""

    # indexed by the unique constraint below, which leads with it
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="+", on_delete=models.CASCADE, db_index=False)
    month = models.DateField(_("month"))
    metric = models.CharField(_("metric"), max_length=8, choices=Metric.choices)
    bucket = models.IntegerField(_("minutes (bucket)"))
    count = models.IntegerField(_("count"), default=0)
    on_time = models.IntegerField(_("on time"), default=0)
    rated = models.IntegerField(_("rated"), default=0)
    rating_sum = models.IntegerField(_("sum of ratings"), default=0)

    class Meta:
        verbose_name = _("handling time")
        verbose_name_plural = _("handling times")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "metric", "bucket"], name="handling_time_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} {self.metric} {self.bucket} min: {self.count}"


class MapCount(models.Model):
    """How many public reports on the public board (verified by staff, not `rahasia`) with a point a unit has
    per category (0: none) in one cell of a fixed grid (`cell_x`, `cell_y`: the longitude and latitude divided by
    complaints.public.mapdata.BASE_CELL, rounded down), with the sums of their coordinates (for the clusters'
    centres). Kept up to date by complaints.reporting.summaries, so that the public map's clusters add up the
    cells in view instead of every report in them."""

    # indexed by the unique constraint below, which leads with it
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="+", on_delete=models.CASCADE, db_index=False)
    category_id = models.IntegerField(_("category"), default=0)  # 0: none (a NULL would defeat the upsert's key)
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    count = models.IntegerField(_("count"), default=0)
    lat_sum = models.FloatField(default=0)
    lng_sum = models.FloatField(default=0)

    class Meta:
        verbose_name = _("map count")
        verbose_name_plural = _("map counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "category_id", "cell_x", "cell_y"], name="map_count_unique"),
        ]
        indexes = [models.Index(fields=["cell_x", "cell_y"], name="map_count_cell_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.category_id} ({self.cell_x}, {self.cell_y}): {self.count}"


class ReplyPurpose(models.TextChoices):
    """What a reply template is for: the workflow actions whose message it fills."""

    RESPONSE = "response", _("Response")
    REQUEST_INFO = "request_info", _("Request for information")
    REJECTION = "rejection", _("Rejection")
    RESOLUTION = "resolution", _("Resolution")


class ReplyTemplate(TimeStampedModel):
    """A named text an officer starts a message to the reporter from, with placeholders filled per report
    (complaints.handling.replies). A unit's templates are offered in its sub-units too; one with a category
    only for reports of that category."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="reply_templates", on_delete=models.CASCADE)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), related_name="reply_templates", on_delete=models.CASCADE,
        null=True, blank=True,
    )  # fmt: skip
    purpose = models.CharField(_("used for"), max_length=20, choices=ReplyPurpose.choices)
    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(_("text"), max_length=5000)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last changed by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["unit__name", "purpose", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "purpose", "name"], name="reply_template_unique_name"),
        ]
        indexes = [models.Index(fields=["unit", "purpose"], name="reply_template_unit_idx")]

    def __str__(self) -> str:
        return self.name
