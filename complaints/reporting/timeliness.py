"""Per unit, how timely its reports were handled over a period of whole months: reports received (RecapCount),
verified, first answered and resolved in the period and how many of those met their deadline, the average
rating of the resolved ones (HandlingTime), and how many open reports are overdue now (DueCount). Reads only
the summary tables: three queries whatever the number of reports. The units' compliance page (oversight/)
reads it beside the releases' and the social channels' own counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Sum
from django.utils import timezone

from complaints.models import DueCount, HandlingTime, Metric
from complaints.reporting.recap import Period, recap_for, whole_months
from humas.models import Unit


@dataclass
class Done:
    """Reports of one step done in the period (verified, first answered or resolved) and those on time."""

    count: int = 0
    on_time: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.count, 1) if self.count else None


@dataclass
class UnitTimeliness:
    received: int = 0
    steps: dict[str, Done] = field(default_factory=lambda: {metric.value: Done() for metric in Metric})
    rated: int = 0
    rating_sum: int = 0
    overdue: int = 0

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None


def for_units(units: list[Unit], period: Period, now: datetime | None = None) -> dict[int, UnitTimeliness]:
    """{unit id: its figures} for `units`, each on its own (not including its sub-units). The handling steps
    count by the month (site calendar) they were done in, so `period` should be whole months; a range's
    partial months at its ends are left out of them."""
    now = now or timezone.now()
    figures = {unit.pk: UnitTimeliness() for unit in units}
    if not units:
        return figures
    recap = recap_for(units, period)
    for row in recap.unit_totals():
        figures[row.unit.pk].received = row.total
    months, _edges = whole_months(period)
    if months:
        done = (
            HandlingTime.objects.filter(unit_id__in=list(figures), month__gte=months[0], month__lte=months[-1])
            .values("unit_id", "metric")
            .annotate(n=Sum("count"), on_time=Sum("on_time"), rated=Sum("rated"), rating_sum=Sum("rating_sum"))
            .order_by()
        )
        for row in done:
            unit = figures[row["unit_id"]]
            unit.steps[row["metric"]] = Done(count=row["n"] or 0, on_time=row["on_time"] or 0)
            if row["metric"] == Metric.RESOLVE:
                unit.rated, unit.rating_sum = row["rated"] or 0, row["rating_sum"] or 0
    overdue: dict[int, int] = defaultdict(int)
    rows = (
        DueCount.objects.filter(unit_id__in=list(figures), due_at__lt=now)
        .values("unit_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        overdue[row["unit_id"]] = row["n"] or 0
    for unit_id, n in overdue.items():
        figures[unit_id].overdue = n
    return figures
