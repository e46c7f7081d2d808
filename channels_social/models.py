"""Each unit's social accounts, and the log of where a piece of content was posted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humas.models import TimeStampedModel, Unit


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X (Twitter)"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    THREADS = "threads", "Threads"
    WEBSITE = "website", _("Website")


class SocialChannel(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="social_channels", on_delete=models.CASCADE)
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    handle = models.CharField(_("name or handle"), max_length=100, help_text=_("As people know it, e.g. @humasntb."))
    url = models.URLField(_("address"), max_length=300)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    accepts_complaints = models.BooleanField(
        _("accepts complaints"), default=False, help_text=_("Citizens may report through its messages or DMs.")
    )

    class Meta:
        verbose_name = _("social channel")
        verbose_name_plural = _("social channels")
        ordering = ["unit__name", "order", "platform"]
        constraints = [models.UniqueConstraint(fields=["unit", "url"], name="channel_unique_url_per_unit")]
        indexes = [models.Index(fields=["unit", "is_active", "order"], name="channel_unit_active_idx")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"


class Post(models.Model):
    """A record that a piece of content (e.g. a press release) was posted on a channel: where, when, by whom.
    `content` names the content as "<kind>:<id>" so this app needs to import none of the apps whose content
    it distributes."""

    channel = models.ForeignKey(
        SocialChannel, verbose_name=_("channel"), related_name="posts", on_delete=models.PROTECT
    )
    content = models.CharField(_("content"), max_length=60, db_index=True)
    post_url = models.URLField(_("post address"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-posted_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["content", "channel"], name="post_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.content} → {self.channel}"
