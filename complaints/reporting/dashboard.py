"""The monitoring dashboard's numbers (selectors, read only) for a set of units.

Every figure adds up summary rows kept current by complaints.reporting.summaries, never the reports themselves, so
its cost does not grow with the number of reports: status counts add up the month rows of RecapCount and
"new today" today's total; overdue and due-soon add up DueCount (open reports per next deadline) before now
and up to the end of the next working day; the month's medians, on-time shares and ratings come from this
month's HandlingTime buckets. The medians are read from buckets of whole minutes under an hour and whole
hours above it (see `median_of`), so they are exact to the minute below an hour and to the hour above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.handling import sla
from complaints.models import OPEN_STATUSES, DueCount, Grain, HandlingTime, Metric, RecapCount, Status
from humas import dates
from humas.models import Unit


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
    def median_verify_to_the_hour(self) -> bool:
        return to_the_hour(self.median_verify)

    @property
    def median_resolve_to_the_hour(self) -> bool:
        return to_the_hour(self.median_resolve)

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


def median_of(buckets: list[tuple[int, int]]) -> timedelta | None:
    """The median (PostgreSQL's percentile_cont(0.5): the middle value, or the mean of the two middle ones)
    of durations given as (bucket in minutes, how many). Each duration counts as its bucket's lower end:
    exact to the minute under an hour, rounded down to the hour from an hour on."""
    ordered = sorted((minutes, n) for minutes, n in buckets if n > 0)
    total = sum(n for _minutes, n in ordered)
    if not total:
        return None

    def nth(index: int) -> int:
        seen = 0
        for minutes, n in ordered:
            seen += n
            if index < seen:
                return minutes
        raise AssertionError("unreachable")

    return timedelta(minutes=(nth((total - 1) // 2) + nth(total // 2)) / 2)


def to_the_hour(value: timedelta | None) -> bool:
    """Whether a median read from the buckets may be off by up to an hour (it is an hour or more)."""
    return value is not None and value >= timedelta(hours=1)


def summary(units: list[Unit], now: datetime | None = None) -> Summary:
    """The dashboard for `units` (each counted on its own: pass a unit and its sub-units to include them).
    Four queries (five when the collective-leave days are not cached), whatever the number of reports."""
    now = now or timezone.now()
    unit_ids = [u.pk for u in units]

    by_status = dict.fromkeys(Status, 0)
    per_status = (
        RecapCount.objects.filter(unit_id__in=unit_ids, grain=Grain.MONTH, channel="")
        .exclude(kind="")
        .values("status")
        .annotate(n=Sum("count"))
        .order_by("status")
    )
    for row in per_status:
        by_status[Status(row["status"])] = row["n"] or 0

    # "today" is each unit's own calendar day
    by_zone = dates.units_by_zone(units)
    today_q = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        today_q |= Q(unit_id__in=ids, start=dates.to_local(now, zone_name).date())
    new_today = 0
    if by_zone:
        today = RecapCount.objects.filter(today_q, grain=Grain.DAY, kind="", status="", channel="")
        new_today = today.aggregate(n=Sum("count"))["n"] or 0

    # open reports per next deadline: overdue before now, due soon from now to the end of the next working day
    limit = sla.soon_limit(now)
    due = DueCount.objects.filter(unit_id__in=unit_ids, due_at__lte=limit).aggregate(
        overdue=Sum("count", filter=Q(due_at__lt=now)), soon=Sum("count", filter=Q(due_at__gte=now))
    )

    start, _end = month_bounds(now)
    month = {metric: {"n": 0, "on_time": 0, "rated": 0, "rating_sum": 0, "buckets": []} for metric in Metric}
    this_month = (
        HandlingTime.objects.filter(unit_id__in=unit_ids, month=start.date())
        .values("metric", "bucket")
        .annotate(n=Sum("count"), on_time=Sum("on_time"), rated=Sum("rated"), rating_sum=Sum("rating_sum"))
        .order_by()
    )
    for row in this_month:
        figures = month[Metric(row["metric"])]
        for key in ("n", "on_time", "rated", "rating_sum"):
            figures[key] += row[key] or 0
        figures["buckets"].append((row["bucket"], row["n"] or 0))
    verify, resolve = month[Metric.VERIFY], month[Metric.RESOLVE]

    return Summary(
        now=now,
        month_start=start,
        status_counts=[(s.value, s.label, by_status[s]) for s in Status],
        open_total=sum(by_status[s] for s in OPEN_STATUSES),
        new_today=new_today,
        overdue=due["overdue"] or 0,
        due_soon=due["soon"] or 0,
        verified_this_month=verify["n"],
        verified_on_time=verify["on_time"],
        median_verify=median_of(verify["buckets"]),
        resolved_this_month=resolve["n"],
        resolved_on_time=resolve["on_time"],
        median_resolve=median_of(resolve["buckets"]),
        rated=resolve["rated"],
        average_rating=round(resolve["rating_sum"] / resolve["rated"], 2) if resolve["rated"] else None,
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
