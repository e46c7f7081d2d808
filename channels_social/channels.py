"""Services for social channels: the URL rules per platform, saving a channel, logging a post."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import access
from humas.errors import Refused

from .models import Platform, Post, SocialChannel

# host (without www./m.) and the path shape each platform's account addresses have
URL_SHAPES: dict[str, tuple[set[str], re.Pattern]] = {
    Platform.FACEBOOK: ({"facebook.com", "fb.com", "web.facebook.com"}, re.compile(r"^/(?!sharer)[\w.\-/@?=&%]+$")),
    Platform.INSTAGRAM: ({"instagram.com"}, re.compile(r"^/[\w.]{1,30}/?$")),
    Platform.X: ({"x.com", "twitter.com"}, re.compile(r"^/\w{1,15}/?$")),
    Platform.YOUTUBE: (
        {"youtube.com"},
        re.compile(r"^/(@[\w.\-]+|channel/[\w\-]+|c/[\w.\-]+|user/[\w.\-]+)/?$"),
    ),
    Platform.TIKTOK: ({"tiktok.com"}, re.compile(r"^/@[\w.]{2,24}/?$")),
    Platform.WHATSAPP: (
        {"chat.whatsapp.com", "whatsapp.com", "wa.me"},
        re.compile(r"^/(channel/[\w]+|[A-Za-z0-9]{10,40}|\d{8,15})/?$"),
    ),
    Platform.TELEGRAM: ({"t.me", "telegram.me"}, re.compile(r"^/(\+?[\w]{4,64}|joinchat/[\w\-]+)/?$")),
    Platform.THREADS: ({"threads.net", "threads.com"}, re.compile(r"^/@[\w.]{1,30}/?$")),
}

EXAMPLES = {
    Platform.FACEBOOK: "https://www.facebook.com/humasntb",
    Platform.INSTAGRAM: "https://www.instagram.com/humasntb",
    Platform.X: "https://x.com/humasntb",
    Platform.YOUTUBE: "https://www.youtube.com/@humasntb",
    Platform.TIKTOK: "https://www.tiktok.com/@humasntb",
    Platform.WHATSAPP: "https://whatsapp.com/channel/0029Va…, https://chat.whatsapp.com/… or https://wa.me/62812…",
    Platform.TELEGRAM: "https://t.me/humasntb",
    Platform.THREADS: "https://www.threads.net/@humasntb",
    Platform.WEBSITE: "https://humas.example.go.id",
}


def check_url(platform: str, url: str) -> str:
    """The address, cleaned, if it has the platform's shape; ValidationError with an example otherwise."""
    url = (url or "").strip()
    parts = urlsplit(url)
    example = EXAMPLES.get(platform, "")
    secure_enough = parts.scheme == "https" or (platform == Platform.WEBSITE and parts.scheme == "http")
    if not secure_enough or not parts.netloc:
        raise ValidationError(
            _("Use a full https:// address, e.g. %(example)s.") % {"example": example}, code="bad_scheme"
        )
    if platform == Platform.WEBSITE:
        return url
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    hosts, path_shape = URL_SHAPES[platform]
    if host not in hosts or not path_shape.match(parts.path or "/") or parts.username or parts.port:
        raise ValidationError(
            _("This is not a %(platform)s account address. It should look like %(example)s.")
            % {"platform": Platform(platform).label, "example": example},
            code="wrong_platform",
        )
    return url


@transaction.atomic
def save_channel(channel: SocialChannel, *, by: Any) -> SocialChannel:
    """Create or change a channel of a unit the user manages."""
    if not access.can(by, "channel.manage", channel.unit_id):
        raise Refused(_("You may not manage this unit's channels."), code="forbidden", status=403)
    channel.url = check_url(channel.platform, channel.url)
    channel.handle = channel.handle.strip()
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError:
        raise Refused(_("This unit already lists this address."), code="duplicate") from None
    return channel


@transaction.atomic
def log_post(*, content: str, unit_id: int, channel: SocialChannel, by: Any, post_url: str = "",
             posted_at: datetime | None = None) -> Post:  # fmt: skip
    """Record that `content` (of a unit) was posted on one of that unit's channels (or a channel above it)."""
    if not access.can(by, "channel.log", unit_id):
        raise Refused(_("Not found."), code="not_found", status=404)
    if not channel.is_active:
        raise Refused(_("This channel is not active."), code="inactive")
    if post_url:
        post_url = post_url.strip()
        if urlsplit(post_url).scheme not in ("https", "http"):
            raise Refused(_("The post address must start with https://."), code="bad_url")
    post, created = Post.objects.get_or_create(
        content=content, channel=channel,
        defaults={"post_url": post_url, "posted_at": posted_at or timezone.now(), "by": by},
    )  # fmt: skip
    if not created:
        post.post_url = post_url or post.post_url
        post.posted_at = posted_at or post.posted_at
        post.by = by
        post.save(update_fields=["post_url", "posted_at", "by"])
    return post


def channels_of(unit_id: int) -> list[SocialChannel]:
    """A unit's active channels in display order (one query)."""
    return list(SocialChannel.objects.filter(unit_id=unit_id, is_active=True).order_by("order", "platform"))


class ChannelUrlFormMixin:
    """For the console's and the admin's channel forms: the address must fit the chosen platform."""

    def clean(self):
        data = super().clean()
        if data.get("platform") and data.get("url"):
            try:
                data["url"] = check_url(data["platform"], data["url"])
            except ValidationError as exc:
                self.add_error("url", exc)
        return data
