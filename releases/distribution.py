"""A release on the social channels: share links and captions (from channels_social.share), the log of where
staff posted it, and its reach — views per source per day — with the monthly content report."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy

from channels_social import channels, share
from channels_social.models import Post, SocialChannel
from humas.models import Unit

from .models import Release, ReleaseReach

SOURCE_LABELS = {
    "direct": gettext_lazy("Direct (no channel link)"),
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "telegram": "Telegram",
    "line": "LINE",
    "email": gettext_lazy("E-mail"),
    "copy": gettext_lazy("Copied link"),
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "threads": "Threads",
    "other": gettext_lazy("Other sources"),
}


def content_key(release: Release | int) -> str:
    return f"release:{release.pk if isinstance(release, Release) else int(release)}"


def public_url(release: Release) -> str:
    return settings.SITE_URL + reverse("releases:detail", kwargs={"slug": release.slug})


def share_links(release: Release) -> list[share.ShareLink]:
    return share.share_links(url=public_url(release), title=release.title, campaign=release.slug)


def captions(release: Release) -> dict[str, str]:
    tags = [tag.name for tag in release.tags.all()]
    return share.captions(title=release.title, summary=release.summary, url=public_url(release),
                          campaign=release.slug, tags=tags)  # fmt: skip


# --- the distribution log -----------------------------------------------------------------------------------


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
    from humas.errors import Refused

    channel = next((c for c in channels_for(release) if c.pk == channel_id), None)
    if channel is None:
        raise Refused("Not found.", code="not_found", status=404)
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


# --- reach --------------------------------------------------------------------------------------------------


def add_reach(counts: dict[tuple[int, date, str], int]) -> None:
    """Add views to the (release, day, source) rows in one statement per batch, creating them as needed."""
    if not counts:
        return
    table = ReleaseReach._meta.db_table
    rows = [(release_id, day, source[:20], n) for (release_id, day, source), n in counts.items() if n]
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in row]
            cursor.execute(
                f"INSERT INTO {table} (release_id, day, source, views) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (release_id, day, source) DO UPDATE SET views = {table}.views + EXCLUDED.views",
                params,
            )


def reach_by_source(release: Release) -> list[tuple[str, str, int]]:
    """(source, label, views) for one release, most first."""
    rows = (
        ReleaseReach.objects.filter(release=release)
        .values("source")
        .annotate(views=Sum("views"))
        .order_by("-views", "source")
    )
    return [(r["source"], SOURCE_LABELS.get(r["source"], r["source"]), r["views"]) for r in rows]


@dataclass
class MonthlyReport:
    month: date
    units: list[Unit]
    top: list[tuple[Release, int]]
    by_source: list[tuple[str, str, int]]
    total: int


def month_bounds(month: date) -> tuple[date, date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def monthly_report(*, unit_ids: frozenset[int] | None, month: date, top: int = 10) -> MonthlyReport:
    """Views in a month for the releases of the given units (None: all): the top releases and the views per
    source. Three queries whatever the number of releases and days."""
    first, last = month_bounds(month)
    reach = ReleaseReach.objects.filter(day__range=(first, last))
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
    if unit_ids is not None:
        reach = reach.filter(release__unit_id__in=unit_ids)
    per_release = list(reach.values("release_id").annotate(views=Sum("views")).order_by("-views", "release_id")[:top])
    releases = Release.objects.in_bulk([row["release_id"] for row in per_release])
    per_source = reach.values("source").annotate(views=Sum("views")).order_by("-views", "source")
    by_source = [(r["source"], SOURCE_LABELS.get(r["source"], r["source"]), r["views"]) for r in per_source]
    return MonthlyReport(
        month=first,
        units=list(units.order_by("name")),
        top=[(releases[row["release_id"]], row["views"]) for row in per_release if row["release_id"] in releases],
        by_source=by_source,
        total=sum(v for _s, _l, v in by_source),
    )
