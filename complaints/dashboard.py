"""The monitoring dashboard's numbers (selectors, read only) for a set of units.

Every figure comes from a query whose cost does not grow with the number of reports filed: status counts
and "new today" add up the per-day summary (DailyCount); overdue and due-soon count the open reports
through the queue index (unit, status); the month's medians, SLA shares and ratings read the reports
verified or resolved this month through the (unit, verified_at) and (unit, resolved_at) indexes. The
indexes carry the columns these queries read, so PostgreSQL answers them from the index alone.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import dates
from humas.models import Unit

from . import sla
from .models import OPEN_STATUSES, Complaint, DailyCount, Status


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5), which also takes intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass
class Summary:
    now: datetime
    month_start: datetime
    status_counts: list[tuple[str, str, int]]  # (status, label, count) in workflow order
    open_total: int
    new_today: int
    overdue: int
    due_soon: int
    verified_this_month: int
    verified_on_time: int
    median_verify: timedelta | None
    resolved_this_month: int
    resolved_on_time: int
    median_resolve: timedelta | None
    rated: int
    average_rating: float | None

    @property
    def median_verify_text(self) -> str:
        return format_span(self.median_verify)

    @property
    def median_resolve_text(self) -> str:
        return format_span(self.median_resolve)

    @property
    def verify_on_time_percent(self) -> float | None:
        return _percent(self.verified_on_time, self.verified_this_month)

    @property
    def resolve_on_time_percent(self) -> float | None:
        return _percent(self.resolved_on_time, self.resolved_this_month)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month of `now` in the site's time zone, as [start, next month's start)."""
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def _duration(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) - F("created_at"), output_field=DurationField())


def _month_figures(scoped, field: str, due_field: str, start: datetime, end: datetime, *, ratings: bool = False):
    done = scoped.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    # COUNT(unit_id), not COUNT(id): every column read is in the index, so PostgreSQL scans the index alone
    aggregates = {"n": Count("unit"), "on_time": Count("unit", filter=Q(**{f"{field}__lte": F(due_field)}))}
    if ratings:
        aggregates.update(rated=Count("rating"), rating=Avg("rating"))
    if connection.vendor == "postgresql":
        return done.aggregate(**aggregates, median=Median(_duration(field)))
    # the embedded SQLite mode has no percentile_cont; its data is small
    figures = done.aggregate(**aggregates)
    spans = [d for d in done.annotate(span=_duration(field)).values_list("span", flat=True) if d is not None]
    figures["median"] = statistics.median(spans) if spans else None
    return figures


def summary(units: list[Unit], now: datetime | None = None) -> Summary:
    """The dashboard for `units` (each counted on its own: pass a unit and its sub-units to include them).
    Five queries (six when the collective-leave days are not cached), whatever the number of reports."""
    now = now or timezone.now()
    unit_ids = [u.pk for u in units]

    by_status = dict.fromkeys(Status, 0)
    for row in (
        DailyCount.objects.filter(unit_id__in=unit_ids).values("status").annotate(n=Sum("count")).order_by("status")
    ):
        by_status[Status(row["status"])] = row["n"] or 0

    # "today" is each unit's own calendar day
    by_zone: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_zone[unit.time_zone].append(unit.pk)
    today_q = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        today_q |= Q(unit_id__in=ids, day=dates.to_local(now, zone_name).date())
    new_today = (DailyCount.objects.filter(today_q).aggregate(n=Sum("count"))["n"] or 0) if by_zone else 0

    # status__in matches the partial index complaint_open_due_idx: open reports only, read from the index
    open_reports = Complaint.objects.filter(unit_id__in=unit_ids, status__in=OPEN_STATUSES)
    due = open_reports.aggregate(
        overdue=Count("unit", filter=sla.overdue_q(now)), soon=Count("unit", filter=sla.due_soon_q(now))
    )

    start, end = month_bounds(now)
    scoped = Complaint.objects.filter(unit_id__in=unit_ids)
    verify = _month_figures(scoped, "verified_at", "verification_due_at", start, end)
    resolve = _month_figures(scoped, "resolved_at", "resolution_due_at", start, end, ratings=True)

    return Summary(
        now=now,
        month_start=start,
        status_counts=[(s.value, s.label, by_status[s]) for s in Status],
        open_total=sum(by_status[s] for s in OPEN_STATUSES),
        new_today=new_today,
        overdue=due["overdue"],
        due_soon=due["soon"],
        verified_this_month=verify["n"],
        verified_on_time=verify["on_time"],
        median_verify=verify["median"],
        resolved_this_month=resolve["n"],
        resolved_on_time=resolve["on_time"],
        median_resolve=resolve["median"],
        rated=resolve["rated"],
        average_rating=round(resolve["rating"], 2) if resolve["rating"] is not None else None,
    )


def format_span(value: timedelta | None) -> str:
    """A duration as '2 d 4 h', '5 h 12 min' or '40 min' (Indonesian: '2 hari 4 jam', ...)."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)s min") % {"minutes": mins}
