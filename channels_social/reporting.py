"""Counts of the distribution log for other parts of the portal's reporting (the units' compliance page)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from channels_social.models import Post
from humas import dates
from humas.models import Unit


def post_counts(units: list[Unit], start: date, end: date) -> dict[int, int]:
    """{unit id: posts logged on the unit's own channels from `start` to `end`}, in each unit's calendar.
    One query."""
    wanted = dates.in_local_days(units, start, end, unit_field="channel__unit_id", moment_field="posted_at")
    if wanted is None:
        return {}
    rows = Post.objects.filter(wanted).values("channel__unit_id").annotate(n=Count("pk")).order_by()
    return {row["channel__unit_id"]: row["n"] for row in rows}
