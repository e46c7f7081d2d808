"""The posting log of a release: on which of its unit's social channels (and the units' above it) staff
posted it, as a checklist; recorded through channels_social.channels.log_post."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from channels_social import channels
from channels_social.models import Post, SocialChannel
from humas.errors import Refused
from humas.models import Unit

from ..models import Release
from .sharing import content_key


def channels_for(release: Release) -> list[SocialChannel]:
    """The channels a release of this unit may go out on: its unit's and those of the units above it."""
    above = Unit.objects.ancestors_of(release.unit_id)
    found = SocialChannel.objects.filter(unit__in=above, is_active=True).select_related("unit")
    # the release's own unit first, then the units above it
    return sorted(found, key=lambda c: (c.unit_id != release.unit_id, c.unit.name, c.order, c.platform))


@dataclass(frozen=True)
class ChecklistRow:
    channel: SocialChannel
    post: Post | None


def checklist(release: Release) -> list[ChecklistRow]:
    posts = {p.channel_id: p for p in Post.objects.filter(content=content_key(release)).select_related("by")}
    return [ChecklistRow(channel, posts.get(channel.pk)) for channel in channels_for(release)]


def log_post(release: Release, *, channel_id: int, by: Any, post_url: str = "") -> Post:
    """Record that the release was posted on one of its channels (another unit's release: 404)."""
    channel = next((c for c in channels_for(release) if c.pk == channel_id), None)
    if channel is None:
        raise Refused(_("Not found."), code="not_found", status=404)
    return channels.log_post(
        content=content_key(release), unit_id=release.unit_id, channel=channel, by=by, post_url=post_url
    )


def posted_platforms(release_ids: list[int]) -> dict[int, list[str]]:
    """For a list of releases: the platforms each was logged on (one query)."""
    found: dict[int, list[str]] = {pk: [] for pk in release_ids}
    keys = [content_key(pk) for pk in release_ids]
    for content, platform in Post.objects.filter(content__in=keys).values_list("content", "channel__platform"):
        found[int(content.split(":", 1)[1])].append(platform)
    return found
