"""Recap (rekapitulasi): the queries that read the summary counts (RecapCount, kept current by
complaints.reporting.summaries). A report is counted on the day it was filed, in its unit's calendar, under its
current status."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, DateField, Q, Sum, When
from django.db.models.functions import TruncWeek
from django.utils import dateformat
from django.utils.translation import gettext as _

from complaints.models import Channel, Grain, Kind, RecapCount, Status
from humas import dates
from humas.models import Unit

# --- reading: the recap table and the weekly series (selectors) -------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of calendar days, both ends included. Each unit's reports are counted on the day they were
    filed in that unit's own calendar, so "November" means November in WIB, WITA or WIT as the unit lives."""

    kind: str  # "month", "quarter", "year" or "range"
    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls("month", date(year, month, 1), date(year, month, last))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        last_month = first + 2
        return cls("quarter", date(year, first, 1), date(year, last_month, calendar.monthrange(year, last_month)[1]))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls("range", start, end)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return dateformat.format(self.start, "F Y")
        if self.kind == "quarter":
            return _("Quarter %(number)s %(year)s") % {"number": (self.start.month + 2) // 3, "year": self.start.year}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.start.year}
        return f"{dates.format_date(self.start, weekday=False)} – {dates.format_date(self.end, weekday=False)}"

    @property
    def slug(self) -> str:
        """For file names: 2026-11, 2026-Q4, 2026, 2026-10-01_2026-11-15."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"


@dataclass
class RecapRow:
    unit: Unit
    kind: str | None  # None: the unit's total over every kind
    counts: list[int]  # one per status, in STATUS_ORDER
    total: int

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind else _("All kinds")


@dataclass
class Recap:
    period: Period
    units: list[Unit]
    rows: list[RecapRow]
    totals: list[int]
    total: int
    weekly: list[tuple[date, int]] = field(default_factory=list)
    by_channel: list[tuple[str, str, int]] = field(default_factory=list)  # (channel, label, reports)

    @property
    def statuses(self) -> list[tuple[str, str]]:
        return [(s.value, s.label) for s in STATUS_ORDER]

    def unit_totals(self) -> list[RecapRow]:
        return [row for row in self.rows if row.kind is None]

    def unit_groups(self) -> list[UnitGroup]:
        """Per unit in tree order: its total row and its rows per kind (the table folds the kinds)."""
        groups: list[UnitGroup] = []
        kinds: list[RecapRow] = []
        for row in self.rows:  # each unit's kind rows, then its total row
            if row.kind is None:
                groups.append(UnitGroup(unit=row.unit, total=row, kinds=kinds))
                kinds = []
            else:
                kinds.append(row)
        return groups


@dataclass
class UnitGroup:
    unit: Unit
    total: RecapRow
    kinds: list[RecapRow]


STATUS_ORDER = list(Status)
KIND_ORDER = list(Kind)


def tree_order(units: list[Unit]) -> list[Unit]:
    """Units parent first, then their children by name (depth-first), for units whose parent may lie
    outside the list (they start their own branch)."""
    ids = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[Unit] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: u.name.lower()):
            unit.depth = depth
            ordered.append(unit)
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def whole_months(period: Period) -> tuple[list[date], list[tuple[date, date]]]:
    """The first days of the calendar months that lie wholly inside `period`, and the spans of days left
    over at its ends (none for a month, a quarter or a year)."""
    months: list[date] = []
    month = period.start.replace(day=1)
    while month <= period.end:
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        if month >= period.start and last <= period.end:
            months.append(month)
        month = last + timedelta(days=1)
    if not months:
        return [], [(period.start, period.end)]
    edges = []
    if period.start < months[0]:
        edges.append((period.start, months[0] - timedelta(days=1)))
    after = months[-1].replace(day=calendar.monthrange(months[-1].year, months[-1].month)[1])
    if after < period.end:
        edges.append((after + timedelta(days=1), period.end))
    return months, edges


def _summary_rows(unit_ids: list[int], period: Period):
    """One query: the per kind × status and per channel counts (month rows for whole months, day rows for the
    days at the ends) and the daily totals grouped by week, each from an index range of RecapCount."""
    months, edges = whole_months(period)
    totals = Q(kind="", status="", channel="")
    wanted = Q(grain=Grain.DAY, start__gte=period.start, start__lte=period.end) & totals
    if months:
        wanted |= Q(grain=Grain.MONTH, start__gte=months[0], start__lte=months[-1]) & ~totals
    for first, last in edges:
        wanted |= Q(grain=Grain.DAY, start__gte=first, start__lte=last) & ~totals
    week = Case(When(totals, then=TruncWeek("start")), default=None, output_field=DateField())
    return (
        RecapCount.objects.filter(wanted, unit_id__in=unit_ids)
        .annotate(week=week)
        .values("unit_id", "kind", "status", "channel", "week")
        .annotate(n=Sum("count"))
        .order_by()
    )


def recap_for(units: list[Unit], period: Period) -> Recap:
    """The counts of `units` (each unit on its own, not including its sub-units) for the reports filed in
    `period`, per kind and current status, with unit and grand totals and the new reports per week.
    One query over the summary counts, whatever the number of reports."""
    unit_ids = [u.pk for u in units]
    found: dict[tuple[int, str, str], int] = defaultdict(int)
    weekly_found: dict[date, int] = defaultdict(int)
    channel_found: dict[tuple[int, str], int] = defaultdict(int)
    for row in _summary_rows(unit_ids, period):
        if row["week"] is not None:
            week = row["week"]  # inside CASE, TRUNC gives PostgreSQL's timestamp: the date is the week's Monday
            weekly_found[week.date() if isinstance(week, datetime) else week] += row["n"] or 0
        elif row["channel"]:
            channel_found[(row["unit_id"], row["channel"])] += row["n"] or 0
        else:
            found[(row["unit_id"], row["kind"], row["status"])] += row["n"] or 0

    rows: list[RecapRow] = []
    totals = [0] * len(STATUS_ORDER)
    shown: list[Unit] = []
    for unit in tree_order(units):
        unit_rows = []
        unit_counts = [0] * len(STATUS_ORDER)
        for kind in KIND_ORDER:
            counts = [found.get((unit.pk, kind.value, status.value), 0) for status in STATUS_ORDER]
            unit_rows.append(RecapRow(unit=unit, kind=kind.value, counts=counts, total=sum(counts)))
            unit_counts = [a + b for a, b in zip(unit_counts, counts, strict=True)]
        if not unit.is_active and not sum(unit_counts):
            continue  # a closed unit with nothing in the period
        shown.append(unit)
        rows.extend(unit_rows)
        rows.append(RecapRow(unit=unit, kind=None, counts=unit_counts, total=sum(unit_counts)))
        totals = [a + b for a, b in zip(totals, unit_counts, strict=True)]

    weekly = []
    week = period.start - timedelta(days=period.start.weekday())
    while week <= period.end:
        weekly.append((week, weekly_found.get(week, 0)))
        week += timedelta(days=7)
    shown_ids = {u.pk for u in shown}
    per_channel: dict[str, int] = defaultdict(int)
    for (unit_id, channel), n in channel_found.items():
        if unit_id in shown_ids:
            per_channel[channel] += n
    by_channel = [(c.value, c.label, per_channel[c.value]) for c in Channel if per_channel.get(c.value)]
    return Recap(period=period, units=shown, rows=rows, totals=totals, total=sum(totals), weekly=weekly,
                 by_channel=by_channel)  # fmt: skip
