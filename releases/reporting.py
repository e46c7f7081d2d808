"""Counts of releases for other parts of the portal's reporting (the units' compliance page): read-only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q

from humas import dates
from humas.models import Unit
from releases.models import Release


def published_counts(units: list[Unit], start: date, end: date) -> dict[int, int]:
    """{unit id: releases published from `start` to `end`}, each unit on its own and in its own calendar;
    a release withdrawn afterwards still counts (it was published). One query."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_zone[unit.time_zone].append(unit.pk)
    if not by_zone:
        return {}
    wanted = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        first, after = dates.day_span(start, end, zone_name)
        wanted |= Q(unit_id__in=ids, published_at__gte=first, published_at__lt=after)
    rows = Release.objects.visible().filter(wanted).values("unit_id").annotate(n=Count("pk")).order_by()
    return {row["unit_id"]: row["n"] for row in rows}
