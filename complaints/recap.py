"""Recap (rekapitulasi): per-day summary counts kept up to date by the services, and the queries that read
them. A report is counted on the day it was filed, in its unit's calendar, under its current status."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate

from humas.models import TimeZone, Unit

from .models import Complaint, DailyCount


def _day(complaint: Complaint, unit: Unit | None = None):
    unit = unit or complaint.unit
    return complaint.created_at.astimezone(ZoneInfo(unit.time_zone)).date()


def _bump(*, day, unit_id: int, kind: str, channel: str, status: str, delta: int) -> None:
    table = DailyCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, unit_id, kind, channel, status, count) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608
            " ON CONFLICT (day, unit_id, kind, channel, status) DO UPDATE SET count = "
            f"{table}.count + EXCLUDED.count",
            [day, unit_id, kind, channel, status, delta],
        )


def count_new(complaint: Complaint) -> None:
    """A report was filed (call inside the intake transaction)."""
    _bump(day=_day(complaint), unit_id=complaint.unit_id, kind=complaint.kind, channel=complaint.channel,
          status=complaint.status, delta=1)  # fmt: skip


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
