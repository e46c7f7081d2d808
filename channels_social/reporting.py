"""Counts of the distribution log for other parts of the portal's reporting (the units' compliance page)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q

from channels_social.models import Post
from humas import dates
from humas.models import Unit


def post_counts(units: list[Unit], start: date, end: date) -> dict[int, int]:
    """{unit id: posts logged on the unit's own channels from `start` to `end`}, in each unit's calendar.
    One query."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_zone[unit.time_zone].append(unit.pk)
    if not by_zone:
        return {}
    wanted = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        first, after = dates.day_span(start, end, zone_name)
        wanted |= Q(channel__unit_id__in=ids, posted_at__gte=first, posted_at__lt=after)
    rows = Post.objects.filter(wanted).values("channel__unit_id").annotate(n=Count("pk")).order_by()
    return {row["channel__unit_id"]: row["n"] for row in rows}
