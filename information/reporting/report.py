"""The yearly and semester report the Information Commission asks every public body for (Pasal 7(3) UU
14/2008 and Perki 1/2021): requests received and their outcomes, refusals by exemption ground, answer time in
working days, extensions, objections and their outcomes, disputes taken to the Commission. Counted straight
from the rows of the period (a few thousand a year for a whole province), per unit and in total."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from humas import dates
from humas.models import Unit
from information import clock
from information.models import Exemption, InformationRequest, ObjectionStatus, Status


@dataclass(frozen=True)
class Period:
    year: int
    semester: int | None = None  # 1: January–June, 2: July–December, None: the whole year

    @property
    def start(self) -> date:
        return date(self.year, 7 if self.semester == 2 else 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        return date(self.year, 6, 30) if self.semester == 1 else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.semester:
            return str(_("Semester %(n)d of %(year)d") % {"n": self.semester, "year": self.year})
        return str(_("Year %(year)d") % {"year": self.year})

    @property
    def slug(self) -> str:
        return f"{self.year}-s{self.semester}" if self.semester else str(self.year)


def parse_period(params) -> Period:
    today = timezone.localdate()
    year = params.get("tahun", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= today.year + 1 else today.year
    semester = params.get("semester", "")
    return Period(year, int(semester) if semester in ("1", "2") else None)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the site's zone."""
    tz = timezone.get_default_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


OUTCOMES = [Status.GRANTED, Status.PARTLY_GRANTED, Status.REFUSED, Status.NOT_HELD, Status.NOT_OUR_AUTHORITY]


@dataclass
class Row:
    label: str
    received: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    grounds: dict[str, int] = field(default_factory=dict)
    extensions: int = 0
    answered: int = 0
    on_time: int = 0
    days_total: int = 0
    days_longest: int = 0
    objections: int = 0
    upheld: int = 0
    rejected: int = 0
    objections_pending: int = 0
    disputes: int = 0

    @property
    def outcome_counts(self) -> list[int]:
        return [self.outcomes.get(s, 0) for s in OUTCOMES]

    @property
    def days_average(self) -> float:
        return round(self.days_total / self.answered, 1) if self.answered else 0.0

    def add(self, other: Row) -> None:
        for name in ("received", "pending", "extensions", "answered", "on_time", "days_total", "objections",
                     "upheld", "rejected", "objections_pending", "disputes"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days_longest = max(self.days_longest, other.days_longest)
        for target, source in ((self.outcomes, other.outcomes), (self.grounds, other.grounds)):
            for key, value in source.items():
                target[key] = target.get(key, 0) + value


@dataclass
class Report:
    period: Period
    rows: list[Row]
    total: Row

    @property
    def outcome_labels(self) -> list[tuple[str, str]]:
        return [(s, str(Status(s).label)) for s in OUTCOMES]

    @property
    def ground_labels(self) -> list[tuple[str, str]]:
        return [(g, str(Exemption(g).label)) for g in Exemption.values]

    @property
    def ground_rows(self) -> list[tuple[str, str, int]]:
        return [(g, label, self.total.grounds.get(g, 0)) for g, label in self.ground_labels]


def _rows_of(units: list[Unit], start: date, end: date) -> dict[int, Row]:
    low, high = bounds(start, end)
    rows = {unit.pk: Row(label=unit.name) for unit in units}
    requests = (
        InformationRequest.objects.filter(
            unit__in=[u.pk for u in units], registered_at__gte=low, registered_at__lt=high
        )
        .select_related("unit", "objection")
        .only(
            "unit_id", "unit__time_zone", "status", "exemption", "registered_at", "decided_at", "due_at", "extended_at",
            "objection__status", "objection__dispute_filed_on",
        )
    )  # fmt: skip
    for item in requests.iterator(chunk_size=2000):
        row = rows[item.unit_id]
        row.received += 1
        if item.status in OUTCOMES:
            row.outcomes[item.status] = row.outcomes.get(item.status, 0) + 1
        else:
            row.pending += 1
        if item.exemption and item.status in (Status.REFUSED, Status.PARTLY_GRANTED):
            row.grounds[item.exemption] = row.grounds.get(item.exemption, 0) + 1
        if item.extended_at is not None:
            row.extensions += 1
        if item.decided_at is not None:
            taken = clock.working_days_taken(item.registered_at, item.decided_at, item.unit.time_zone)
            row.answered += 1
            row.on_time += item.decided_at <= item.due_at
            row.days_total += taken
            row.days_longest = max(row.days_longest, taken)
        objection = getattr(item, "objection", None)
        if objection is not None:
            row.objections += 1
            row.upheld += objection.status == ObjectionStatus.UPHELD
            row.rejected += objection.status == ObjectionStatus.REJECTED
            row.objections_pending += objection.status == ObjectionStatus.FILED
            row.disputes += objection.dispute_filed_on is not None
    return rows


def build(units: Iterable[Unit], period: Period) -> Report:
    units = list(units)
    by_unit = _rows_of(units, period.start, period.end)
    rows = [by_unit[unit.pk] for unit in units]
    total = Row(label=str(_("All units")))
    for row in rows:
        total.add(row)
    return Report(period=period, rows=rows, total=total)


@dataclass(frozen=True)
class OnTime:
    answered: int
    on_time: int
    overdue_open: int

    @property
    def late(self) -> int:
        return self.answered - self.on_time


def on_time_counts(units: Iterable[Unit | int], start: date, end: date) -> dict[int, OnTime]:
    """For each unit (not its sub-units), of the requests registered from `start` to `end` inclusive: how many
    were answered, how many of those by their due date, and how many are still open past it. One query."""
    ids = [u.pk if isinstance(u, Unit) else int(u) for u in units]
    low, high = bounds(start, end)
    now = timezone.now()
    found = (
        InformationRequest.objects.filter(unit__in=ids, registered_at__gte=low, registered_at__lt=high)
        .values("unit_id")
        .annotate(
            answered=Count("pk", filter=Q(decided_at__isnull=False)),
            on_time=Count("pk", filter=Q(decided_at__isnull=False, decided_at__lte=F("due_at"))),
            overdue_open=Count("pk", filter=Q(decided_at__isnull=True, due_at__lt=now)),
        )
    )
    result = {uid: OnTime(0, 0, 0) for uid in ids}
    for row in found:
        result[row["unit_id"]] = OnTime(row["answered"], row["on_time"], row["overdue_open"])
    return result


def public_units() -> list[Unit]:
    return list(Unit.objects.active().order_by("name"))


def years_available() -> list[int]:
    first = InformationRequest.objects.order_by("registered_at").values_list("registered_at", flat=True).first()
    this = timezone.localdate().year
    start = dates.to_local(first).year if first else this
    return list(range(this, start - 1, -1))
