"""Media monitoring: news sources (feeds), the watchlist of each unit, clippings with their tone, the tone of
each complaint (kept here, keyed by the complaint, so that complaints needs no column of ours), and the
coverage of releases by clippings. State changes go through the service modules (sources.py, clippings.py,
sentiment/, coverage.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from humas.models import TimeStampedModel, Unit


class Tone(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class FetchStatus(models.TextChoices):
    NEW = "new", _("Not fetched yet")
    OK = "ok", _("OK")
    NOT_MODIFIED = "not_modified", _("Unchanged")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused address")


class Source(TimeStampedModel):
    """An RSS or Atom feed: a media partner's site, a portal's section or a news search for a keyword."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="news_sources", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    outlet = models.CharField(_("outlet"), max_length=120, help_text=_("The medium, e.g. Lombok Post."))
    url = models.URLField(_("feed address"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveIntegerField(_("fetch every (minutes)"), default=15)
    # conditional GET
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # what the staff page shows
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_status = models.CharField(_("status"), max_length=20, choices=FetchStatus.choices, default=FetchStatus.NEW)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_items = models.PositiveIntegerField(_("items in the last fetch"), default=0)
    new_clippings = models.PositiveIntegerField(_("clippings found"), default=0)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True)

    class Meta:
        verbose_name = _("news source")
        verbose_name_plural = _("news sources")
        ordering = ["unit__name", "outlet", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "url"], name="source_unique_url_per_unit")]
        indexes = [models.Index(fields=["is_active", "next_fetch_at"], name="source_due_idx")]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.name}"


class WatchTerm(TimeStampedModel):
    """A keyword or phrase of a unit's watchlist (its names and abbreviations, its leaders, its programmes),
    or an exclusion: an item containing an exclusion is not clipped even if other terms match."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="watch_terms", on_delete=models.CASCADE)
    phrase = models.CharField(_("keyword or phrase"), max_length=120)
    is_exclusion = models.BooleanField(_("exclusion"), default=False)

    class Meta:
        verbose_name = _("watchlist term")
        verbose_name_plural = _("watchlist terms")
        ordering = ["unit__name", "is_exclusion", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "phrase", "is_exclusion"], name="watchterm_unique_per_unit")
        ]

    def __str__(self) -> str:
        return f"-{self.phrase}" if self.is_exclusion else self.phrase


class Clipping(TimeStampedModel):
    """One news item about a unit, stored once however many feeds carry it (unique normalised URL, and a
    fingerprint of its title that catches the same item under another URL)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="clippings", on_delete=models.CASCADE)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), related_name="clippings", on_delete=models.SET_NULL, null=True, blank=True
    )
    outlet = models.CharField(_("outlet"), max_length=120)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("address"), max_length=1000, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    published_at = models.DateTimeField(_("published"))
    matched_terms = models.JSONField(_("matched terms"), default=list, blank=True)
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, blank=True)
    tone_score = models.FloatField(_("confidence"), null=True, blank=True)
    tone_corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tone corrected by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    is_irrelevant = models.BooleanField(_("irrelevant"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip

    class Meta:
        verbose_name = _("clipping")
        verbose_name_plural = _("clippings")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-published_at"], name="clipping_unit_published_idx"),
            models.Index(fields=["published_at"], name="clipping_published_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(tone__in=["", *Tone.values]), name="clipping_tone_valid")]

    def __str__(self) -> str:
        return self.title


class ComplaintTone(models.Model):
    """The tone of a complaint, computed by a task after it arrives (complaints itself knows nothing of it)."""

    complaint = models.OneToOneField(
        "complaints.Complaint", verbose_name=_("complaint"), related_name="+", on_delete=models.CASCADE,
        primary_key=True,
    )  # fmt: skip
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices)
    score = models.FloatField(_("confidence"))
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint tone")
        verbose_name_plural = _("complaint tones")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.tone}"


class CoverageMethod(models.TextChoices):
    LINK = "link", _("Links to the release")
    SIMILAR = "similar", _("Similar title and lead")
    MANUAL = "manual", _("Marked by staff")


class Coverage(models.Model):
    """A clipping that carried a release."""

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), related_name="+", on_delete=models.CASCADE
    )
    clipping = models.ForeignKey(
        Clipping, verbose_name=_("clipping"), related_name="coverage", on_delete=models.CASCADE
    )
    method = models.CharField(_("found by"), max_length=10, choices=CoverageMethod.choices)
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [models.UniqueConstraint(fields=["release", "clipping"], name="coverage_unique_pair")]

    def __str__(self) -> str:
        return f"{self.release_id} ← {self.clipping_id}"
