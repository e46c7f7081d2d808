"""The summary tables behind the recap and the dashboard, kept current inside the services' transactions.

Each report adds a fixed set of *shares* to the summaries, a pure function of its fields (`shares`):

- RecapCount: +1 on the day and the month it was filed (in its unit's calendar) under its kind and current
  status, under its channel, and (per day) in the total;
- DueCount: +1 at its next deadline while it is open and a deadline runs (`sla.current_due`);
- HandlingTime: +1 in the month (site calendar) it was verified, in the bucket of its time to verify, and
  likewise for its first answer and its resolution, with whether it met the deadline (and, resolved, its rating).

`workflow.locked` notes a report's shares on the instance when it locks the report (`track`, into
`Complaint.summary_shares`); after a service changed the report, `record_change` writes the difference (report
before → report after) as upserts that add to the counts (`INSERT … ON CONFLICT DO UPDATE SET count = count +
EXCLUDED.count`, one statement per table, rows in key order so that concurrent transactions lock rows in the
same order), so concurrent actions never lose a count. Intake calls `record_new`. `rebuild` recomputes every
table from the reports with grouped queries (after a bulk import, a back-dating, or to repair); `manage.py
rebuild_recap` runs it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, DateTimeField, F, Func, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.db.models.lookups import LessThan
from django.utils import timezone

from complaints.handling import sla
from complaints.models import (
    BOARD_STATUSES,
    OPEN_STATUSES,
    Complaint,
    DueCount,
    Grain,
    HandlingTime,
    MapCount,
    Metric,
    RecapCount,
    Status,
    Visibility,
)
from complaints.public import mapdata
from humas.models import TimeZone

RECAP, DUE, TIMES, MAP = "recap", "due", "times", "map"
# table: (model, key columns, counted columns); the order here is the order of the writes (no deadlocks)
TABLES = {
    RECAP: (RecapCount, ("unit_id", "grain", "start", "kind", "status", "channel"), ("count",)),
    DUE: (DueCount, ("unit_id", "due_at"), ("count",)),
    TIMES: (HandlingTime, ("unit_id", "month", "metric", "bucket"), ("count", "on_time", "rated", "rating_sum")),
    MAP: (MapCount, ("unit_id", "category_id", "cell_x", "cell_y"), ("count", "lat_sum", "lng_sum")),
}
HOUR = 60

Shares = dict[tuple[str, tuple], tuple[int, ...]]


# --- what one report adds ---------------------------------------------------------------------------------------


def bucket(elapsed: timedelta) -> int:
    """The time taken, in whole minutes under an hour and in whole hours (counted in minutes) from an hour
    on; truncated toward zero, as the SQL of `rebuild` does."""
    micro = (elapsed.days * 86_400 + elapsed.seconds) * 1_000_000 + elapsed.microseconds
    minutes = abs(micro) // 60_000_000 * (1 if micro >= 0 else -1)
    return minutes if minutes < HOUR else minutes - minutes % HOUR


def site_month(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def shares(complaint: Complaint) -> Shares:
    out: Shares = {}
    unit = complaint.unit_id
    day = complaint.created_at.astimezone(ZoneInfo(complaint.unit.time_zone)).date()
    for grain, start in ((Grain.DAY.value, day), (Grain.MONTH.value, day.replace(day=1))):
        out[(RECAP, (unit, grain, start, complaint.kind, complaint.status, ""))] = (1,)
        out[(RECAP, (unit, grain, start, "", "", complaint.channel))] = (1,)
    out[(RECAP, (unit, Grain.DAY.value, day, "", "", ""))] = (1,)
    due = sla.current_due(complaint) if complaint.status in OPEN_STATUSES else None
    if due is not None:
        out[(DUE, (unit, due.astimezone(ZoneInfo("UTC"))))] = (1,)
    if complaint.verified_at is not None:
        key = (unit, site_month(complaint.verified_at), Metric.VERIFY.value,
               bucket(complaint.verified_at - complaint.created_at))  # fmt: skip
        met = complaint.verification_due_at is not None and complaint.verified_at <= complaint.verification_due_at
        out[(TIMES, key)] = (1, int(met), 0, 0)
    if complaint.first_response_at is not None:
        key = (unit, site_month(complaint.first_response_at), Metric.RESPOND.value,
               bucket(complaint.first_response_at - complaint.created_at))  # fmt: skip
        met = complaint.response_due_at is not None and complaint.first_response_at <= complaint.response_due_at
        out[(TIMES, key)] = (1, int(met), 0, 0)
    if complaint.resolved_at is not None:
        key = (unit, site_month(complaint.resolved_at), Metric.RESOLVE.value,
               bucket(complaint.resolved_at - complaint.created_at))  # fmt: skip
        met = complaint.resolution_due_at is not None and complaint.resolved_at <= complaint.resolution_due_at
        rated = complaint.rating is not None
        out[(TIMES, key)] = (1, int(met), int(rated), complaint.rating if rated else 0)
    on_map = complaint.visibility == Visibility.PUBLIC and complaint.status in BOARD_STATUSES
    if on_map and complaint.latitude is not None:
        lat, lng = float(complaint.latitude), float(complaint.longitude)
        cell = (math.floor(lng / mapdata.BASE_CELL), math.floor(lat / mapdata.BASE_CELL))
        out[(MAP, (unit, complaint.category_id or 0, *cell))] = (1, lat, lng)
    return out


# --- keeping them current -----------------------------------------------------------------------------------------


def track(complaint: Complaint) -> None:
    """Note what a locked report adds now, before a service changes it (called by workflow.locked)."""
    complaint.summary_shares = shares(complaint)


def record_new(complaint: Complaint) -> None:
    """A report was filed: add its shares (inside the intake transaction, after it is saved)."""
    _send(new_report(complaint))


def record_change(complaint: Complaint) -> None:
    """A service changed a report locked through workflow.locked: move its shares (inside that transaction)."""
    before = complaint.summary_shares
    if before is None:
        raise RuntimeError("record_change needs a report locked through workflow.locked")
    after = shares(complaint)
    _send(upserts(_difference(before, after)))
    # the public map's cached answers go stale (a new report is not on it: only staff's changes bump it)
    transaction.on_commit(mapdata.bump_version)
    complaint.summary_shares = after


def _difference(before: Shares, after: Shares) -> Shares:
    changes: Shares = {}
    for key in before.keys() | after.keys():
        old = before.get(key)
        new = after.get(key)
        width = len(old or new)
        delta = tuple((new[i] if new else 0) - (old[i] if old else 0) for i in range(width))
        if any(delta):
            changes[key] = delta
    return changes


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def upserts(changes: Shares) -> list[tuple[str, list]]:
    """The statements adding `changes` to the summaries: one upsert per table, tables in TABLES order and rows
    in key order, so that two transactions lock rows in the same order."""
    by_table: dict[str, list[tuple[tuple, tuple[int, ...]]]] = defaultdict(list)
    for (table, key), delta in changes.items():
        by_table[table].append((key, delta))
    statements = []
    for table in TABLES:
        rows = sorted(by_table.get(table, []))
        if rows:
            statements.append((_upsert(table, len(rows)), [_adapt(v) for key, delta in rows for v in (*key, *delta)]))
    return statements


def new_report(complaint: Complaint) -> list[tuple[str, list]]:
    """The upserts that add a new report's shares, for intake to send with the report itself (on PostgreSQL
    the report, its event and these travel as one message; see humas.db)."""
    return upserts(_difference({}, shares(complaint)))


def _send(statements: list[tuple[str, list]]) -> None:
    """Run the upserts; on PostgreSQL all of them in one round trip."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and statements:
            # psycopg2 sends statements separated by ";" in one message: one round trip for every table
            cursor.execute("; ".join(sql for sql, _ in statements), [v for _, values in statements for v in values])
            return
        for statement, values in statements:
            cursor.execute(statement, values)


@cache
def _upsert(table: str, rows: int) -> str:
    """The upsert adding `rows` rows of deltas to a summary table (its text, made once per process)."""
    model, keys, counted = TABLES[table]
    quote = connection.ops.quote_name
    name = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in (*keys, *counted))
    one = "(" + ", ".join(["%s"] * (len(keys) + len(counted))) + ")"
    add = ", ".join(f"{quote(c)} = {name}.{quote(c)} + EXCLUDED.{quote(c)}" for c in counted)
    return (
        f"INSERT INTO {name} ({columns}) VALUES {', '.join([one] * rows)}"  # noqa: S608
        f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {add}"
    )


# --- recomputing them from the reports (set-based) ------------------------------------------------------------------


class ElapsedMinutes(Func):
    """Whole minutes from the second expression to the first, truncated toward zero."""

    arity = 2
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "TRUNC(EXTRACT(EPOCH FROM (%(expressions)s)) / 60)::integer"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Django's own SQLite function: the difference in microseconds
        template = "(django_timestamp_diff(%(expressions)s) / 60000000)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=", ", **extra)


def _bucket_sql(done: str) -> Case:
    """`bucket` in SQL."""
    minutes = ElapsedMinutes(F(done), F("created_at"))
    return Case(When(LessThan(minutes, HOUR), then=minutes), default=minutes / Value(HOUR) * Value(HOUR),
                output_field=IntegerField())  # fmt: skip


def current_due_sql() -> Case:
    """sla.current_due in SQL: verification while new; the earlier of the first answer (while none was
    given) and the resolution while handled; none otherwise."""
    response_first = Q(resolution_due_at__isnull=True) | Q(response_due_at__lt=F("resolution_due_at"))
    return Case(
        When(status=Status.NEW, then=F("verification_due_at")),
        When(Q(status__in=sla.HANDLING, first_response_at__isnull=True, response_due_at__isnull=False) & response_first,
             then=F("response_due_at")),
        When(status__in=sla.HANDLING, then=F("resolution_due_at")),
        default=None,
        output_field=DateTimeField(),
    )  # fmt: skip


def _recap_rows() -> list[RecapCount]:
    """One grouped query per time zone (the day a report counts on is its unit's), rolled up into the
    three facets at both grains."""
    found: dict[tuple, int] = defaultdict(int)
    for zone in TimeZone.values:
        grouped = (
            Complaint.objects.filter(unit__time_zone=zone)
            .annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(zone)))
            .values("day", "unit_id", "kind", "status", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for g in grouped:
            unit, day, n = g["unit_id"], g["day"], g["n"]
            for grain, start in ((Grain.DAY.value, day), (Grain.MONTH.value, day.replace(day=1))):
                found[(unit, grain, start, g["kind"], g["status"], "")] += n
                found[(unit, grain, start, "", "", g["channel"])] += n
            found[(unit, Grain.DAY.value, day, "", "", "")] += n
    return [
        RecapCount(unit_id=unit, grain=grain, start=start, kind=kind, status=status, channel=channel, count=n)
        for (unit, grain, start, kind, status, channel), n in found.items()
    ]


def _due_rows() -> list[DueCount]:
    grouped = (
        Complaint.objects.filter(status__in=OPEN_STATUSES)
        .annotate(due=current_due_sql())
        .filter(due__isnull=False)
        .values("unit_id", "due")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [DueCount(unit_id=g["unit_id"], due_at=g["due"], count=g["n"]) for g in grouped]


# HandlingTime's metrics: (metric, the moment it was done, its deadline)
TIMED = (
    (Metric.VERIFY, "verified_at", "verification_due_at"),
    (Metric.RESPOND, "first_response_at", "response_due_at"),
    (Metric.RESOLVE, "resolved_at", "resolution_due_at"),
)


def _time_rows() -> list[HandlingTime]:
    site = timezone.get_current_timezone()
    rows = []
    for metric, done, due in TIMED:
        counted = {"n": Count("pk"), "on_time": Count("pk", filter=Q(**{f"{done}__lte": F(due)}))}
        if metric == Metric.RESOLVE:
            counted.update(rated=Count("rating"), rating_sum=Coalesce(Sum("rating"), 0))
        grouped = (
            Complaint.objects.filter(**{f"{done}__isnull": False})
            .annotate(month=Trunc(done, "month", output_field=DateField(), tzinfo=site), bucket=_bucket_sql(done))
            .values("unit_id", "month", "bucket")
            .annotate(**counted)
            .order_by()
        )
        rows.extend(
            HandlingTime(unit_id=g["unit_id"], month=g["month"], metric=metric.value, bucket=g["bucket"],
                         count=g["n"], on_time=g["on_time"], rated=g.get("rated", 0), rating_sum=g.get("rating_sum", 0))
            for g in grouped
        )  # fmt: skip
    return rows


def _map_rows() -> list[MapCount]:
    """The public map's cells, from the public board's reports with a point (in Python: a few fields a report)."""
    found: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0.0])
    reports = Complaint.objects.filter(
        visibility=Visibility.PUBLIC, status__in=BOARD_STATUSES, latitude__isnull=False
    ).values_list("unit_id", "category_id", "latitude", "longitude")
    for unit, category, lat, lng in reports.iterator(chunk_size=5000):
        lat, lng = float(lat), float(lng)
        row = found[(unit, category or 0, math.floor(lng / mapdata.BASE_CELL), math.floor(lat / mapdata.BASE_CELL))]
        row[0] += 1
        row[1] += lat
        row[2] += lng
    return [
        MapCount(unit_id=unit, category_id=category, cell_x=x, cell_y=y, count=n, lat_sum=lat_sum, lng_sum=lng_sum)
        for (unit, category, x, y), (n, lat_sum, lng_sum) in found.items()
    ]


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute every summary from the reports. Returns the number of rows per table."""
    made = {}
    for name, rows in ((RECAP, _recap_rows()), (DUE, _due_rows()), (TIMES, _time_rows()), (MAP, _map_rows())):
        model = TABLES[name][0]
        model.objects.all().delete()
        model.objects.bulk_create(rows, batch_size=2000)
        made[name] = len(rows)
    return made
