"""Press releases: the release with its credits and contact, photos and their renditions, attachments,
content revisions and the workflow's event log. State changes go through `releases.publishing`."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from humas.models import TimeStampedModel, Unit, phone_validator


class Category(TimeStampedModel):
    """Admin-managed kind of a release: Siaran Pers, Berita, Pengumuman, Artikel…"""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=70, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Language(models.TextChoices):
    ID = "id", _("Indonesian")
    EN = "en", _("English")


class ReleaseQuerySet(models.QuerySet):
    def public(self) -> ReleaseQuerySet:
        """Published releases: in lists, feeds and the sitemap."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def visible(self) -> ReleaseQuerySet:
        """What has a public page: published, and withdrawn ones (shown with their notice)."""
        return self.filter(status__in=[Status.PUBLISHED, Status.WITHDRAWN], published_at__isnull=False)


class Release(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="releases", on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200, validators=[MinLengthValidator(5)])
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.TextField(_("summary (lede)"), max_length=600, blank=True)
    body = models.TextField(_("body"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ID)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), related_name="releases", on_delete=models.PROTECT, null=True, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="releases", blank=True)
    dateline = models.CharField(_("dateline place"), max_length=60, blank=True, help_text=_("e.g. MATARAM"))

    writer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("writer (staff)"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    writer_name = models.CharField(_("writer (name)"), max_length=120, blank=True)
    editor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("editor (staff)"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    editor_name = models.CharField(_("editor (name)"), max_length=120, blank=True)
    photographer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("photographer (staff)"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    photographer_name = models.CharField(_("photographer (name)"), max_length=120, blank=True)

    contact_name = models.CharField(_("media contact name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("media contact phone"), max_length=30, blank=True, validators=[phone_validator])
    contact_email = models.EmailField(_("media contact e-mail"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    # verified media partners receive the release at approval and may publish from this time, when the release
    # publishes itself (it is scheduled at this time); see releases.publishing.set_embargo
    embargo_until = models.DateTimeField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. Verified media partners receive the release when it is approved and may publish it from "
            "this time, when it is published here too."
        ),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    review_comment = models.TextField(_("editor's comments"), blank=True)
    withdrawn_reason = models.TextField(_("withdrawal reason"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    content_updated_at = models.DateTimeField(_("content updated at"), default=timezone.now)
    view_count = models.PositiveBigIntegerField(_("views"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="release_status_pub"),
            models.Index(fields=["unit", "status"], name="release_unit_status"),
            models.Index(fields=["status", "publish_at"], name="release_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="release_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.PUBLISHED, Status.WITHDRAWN]) | Q(published_at__isnull=False),
                name="release_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SCHEDULED) | Q(publish_at__isnull=False), name="release_scheduled_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def writer_display(self) -> str:
        return self.writer_name or (
            self.writer_user.get_full_name() or self.writer_user.username if self.writer_user else ""
        )

    @property
    def editor_display(self) -> str:
        return self.editor_name or (
            self.editor_user.get_full_name() or self.editor_user.username if self.editor_user else ""
        )

    @property
    def photographer_display(self) -> str:
        if self.photographer_name:
            return self.photographer_name
        if self.photographer_user:
            return self.photographer_user.get_full_name() or self.photographer_user.username
        return ""

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def under_embargo(self) -> bool:
        """Approved with an embargo: out to verified media partners, scheduled to publish when it lifts."""
        return self.status == Status.SCHEDULED and self.embargo_until is not None

    @property
    def updated_for_readers(self):
        """When the public content last changed (feeds' `updated`)."""
        if self.published_at and self.content_updated_at < self.published_at:
            return self.published_at
        return self.content_updated_at


class ReleasePhoto(TimeStampedModel):
    release = models.ForeignKey(Release, verbose_name=_("release"), related_name="photos", on_delete=models.CASCADE)
    image = models.ImageField(
        _("image"), upload_to="releases/photos/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    caption = models.TextField(_("caption"), max_length=600, blank=True)
    credit = models.CharField(_("credit"), max_length=120, blank=True)
    alt_text = models.CharField(
        _("alternative text"), max_length=250, blank=True, help_text=_("What the photo shows, for screen readers.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_featured = models.BooleanField(_("featured"), default=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release"], condition=Q(is_featured=True), name="release_one_featured_photo"
            ),
        ]

    def __str__(self) -> str:
        return self.caption[:60] or self.image.name


class Rendition(models.Model):
    """A resized copy of a photo for one spec ("medium.webp"…), made once."""

    photo = models.ForeignKey(
        ReleasePhoto, verbose_name=_("photo"), related_name="renditions", on_delete=models.CASCADE
    )
    spec = models.CharField(_("spec"), max_length=40)
    file = models.ImageField(_("file"), upload_to="releases/renditions/%Y/%m/")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [models.UniqueConstraint(fields=["photo", "spec"], name="rendition_unique_spec")]

    def __str__(self) -> str:
        return f"{self.photo_id} {self.spec}"


class ReleaseAttachment(TimeStampedModel):
    """A press kit, a presentation or a data sheet offered for download (PDF)."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), related_name="attachments", on_delete=models.CASCADE
    )
    file = models.FileField(_("file"), upload_to="releases/attachments/%Y/%m/")
    title = models.CharField(_("title"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """The title, summary and body as saved, by whom and when; the history and its diffs read these."""

    release = models.ForeignKey(Release, verbose_name=_("release"), related_name="revisions", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["release", "-created_at"], name="revision_release_time")]

    def __str__(self) -> str:
        return f"{self.release_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ReleaseEvent(models.Model):
    """One step of the workflow, immutable: who moved the release from which status to which, and why."""

    release = models.ForeignKey(Release, verbose_name=_("release"), related_name="events", on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("release event")
        verbose_name_plural = _("release events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.release_id} {self.action}"


class ReleaseReach(models.Model):
    """Views of a release per day and per source (the link's utm_source: whatsapp, facebook, email…,
    `direct` without one, `other` for anything unknown). Counted by the newsroom's view counter; no
    personal data, no third-party analytics."""

    release = models.ForeignKey(Release, verbose_name=_("release"), related_name="reach", on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    source = models.CharField(_("source"), max_length=20)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("reach")
        verbose_name_plural = _("reach")
        constraints = [models.UniqueConstraint(fields=["release", "day", "source"], name="reach_unique_day_source")]
        indexes = [models.Index(fields=["day", "release"], name="reach_day_release")]

    def __str__(self) -> str:
        return f"{self.release_id} {self.day} {self.source}: {self.views}"
