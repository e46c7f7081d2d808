"""Reach: views of a release per source (the share links' utm_source) and day, the monthly content report."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from humas.models import Unit

from ..models import Release, ReleaseReach

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

# the sources a view may be credited to (utm_source of the share links and e-mails); anything else is "other"
REACH_SOURCES = frozenset(SOURCE_LABELS) - {"direct", "other"}


def view_source(request: HttpRequest) -> str:
    """Which channel brought this reader: the link's utm_source if it is one of ours, else direct/other."""
    raw = (request.GET.get("utm_source") or "").strip().lower()
    if not raw:
        return "direct"
    return raw if raw in REACH_SOURCES else "other"


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
