"""Recap (rekapitulasi): per-day summary counts kept up to date by the services, and the queries that read
them. A report is counted on the day it was filed, in its unit's calendar, under its current status."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import dateformat
from django.utils.translation import gettext as _

from humas import dates, sql
from humas.models import TimeZone, Unit

from .models import Channel, Complaint, DailyCount, Kind, Status


def _day(complaint: Complaint, unit: Unit | None = None):
    unit = unit or complaint.unit
    return complaint.created_at.astimezone(ZoneInfo(unit.time_zone)).date()


def _bump_statement(*, day, unit_id: int, kind: str, channel: str, status: str, delta: int) -> sql.Statement:
    table = DailyCount._meta.db_table
    return sql.Statement(
        f"INSERT INTO {table} (day, unit_id, kind, channel, status, count) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608
        " ON CONFLICT (day, unit_id, kind, channel, status) DO UPDATE SET count = "
        f"{table}.count + EXCLUDED.count",
        [day, unit_id, kind, channel, status, delta],
    )


def _bump(**counts) -> None:
    sql.run([_bump_statement(**counts)])


def new_report(complaint: Complaint) -> list[sql.Statement]:
    """The summary updates for a report being filed, for the intake to send with its own rows."""
    return [
        _bump_statement(day=_day(complaint), unit_id=complaint.unit_id, kind=complaint.kind,
                        channel=complaint.channel, status=complaint.status, delta=1)
    ]  # fmt: skip


def count_status(complaint: Complaint, old_status: str, new_status: str) -> None:
    """A report moved from one status to another (call inside the workflow transaction)."""
    if old_status == new_status:
        return
    day = _day(complaint)
    common = {"day": day, "unit_id": complaint.unit_id, "kind": complaint.kind, "channel": complaint.channel}
    _bump(**common, status=old_status, delta=-1)
    _bump(**common, status=new_status, delta=1)


def count_unit(complaint: Complaint, old_unit: Unit, new_unit: Unit) -> None:
    """A report was forwarded to another unit: it now counts for that unit (on its calendar's day)."""
    common = {"kind": complaint.kind, "channel": complaint.channel, "status": complaint.status}
    _bump(day=_day(complaint, old_unit), unit_id=old_unit.pk, **common, delta=-1)
    _bump(day=_day(complaint, new_unit), unit_id=new_unit.pk, **common, delta=1)


@transaction.atomic
def rebuild() -> int:
    """Recount everything from the complaints (after an import or a repair). Returns the number of rows."""
    DailyCount.objects.all().delete()
    rows = []
    for zone in TimeZone.values:
        grouped = (
            Complaint.objects.filter(unit__time_zone=zone)
            .annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(zone)))
            .values("day", "unit_id", "kind", "channel", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows.extend(
            DailyCount(
                day=g["day"],
                unit_id=g["unit_id"],
                kind=g["kind"],
                channel=g["channel"],
                status=g["status"],
                count=g["n"],
            )
            for g in grouped
        )
    DailyCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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


def recap_for(units: list[Unit], period: Period) -> Recap:
    """The counts of `units` (each unit on its own, not including its sub-units) for the reports filed in
    `period`, per kind and current status, with unit and grand totals and the new reports per week.
    One query over the per-day summary, whatever the number of reports."""
    unit_ids = [u.pk for u in units]
    found: dict[tuple[int, str, str], int] = defaultdict(int)
    weekly_found: dict[date, int] = defaultdict(int)
    channel_found: dict[tuple[int, str], int] = defaultdict(int)
    # one pass over the period's summary rows (an index-only scan of daily_count_unit_day_cover), grouped
    # by week as well so the weekly series needs no second query
    grouped = (
        DailyCount.objects.filter(unit_id__in=unit_ids, day__gte=period.start, day__lte=period.end)
        .annotate(week=TruncWeek("day"))
        .values("unit_id", "kind", "status", "week", "channel")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in grouped:
        found[(row["unit_id"], row["kind"], row["status"])] += row["n"] or 0
        weekly_found[row["week"]] += row["n"] or 0
        channel_found[(row["unit_id"], row["channel"])] += row["n"] or 0

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
