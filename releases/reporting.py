"""Counts of releases for other parts of the portal's reporting (the units' compliance page): read-only."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from humas import dates
from humas.models import Unit
from releases.models import Release


def published_counts(units: list[Unit], start: date, end: date) -> dict[int, int]:
    """{unit id: releases published from `start` to `end`}, each unit on its own and in its own calendar;
    a release withdrawn afterwards still counts (it was published). One query."""
    wanted = dates.in_local_days(units, start, end, unit_field="unit_id", moment_field="published_at")
    if wanted is None:
        return {}
    rows = Release.objects.visible().filter(wanted).values("unit_id").annotate(n=Count("pk")).order_by()
    return {row["unit_id"]: row["n"] for row in rows}
