"""The fan-out's delivery rows in bulk: made from a subscriber query, claimed by a send task, written back.
Each is one statement per chunk or batch. On PostgreSQL the claim and the write-back are hand-written SQL
(a profile of the fan-out showed Django's bulk_create and CASE-per-row bulk_update costing more CPU than
the sending, and every extra round trip to the database is time a worker does not send); elsewhere (the
embedded SQLite mode) the ORM does the same in a few more queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from humas import sql

from .models import Delivery, DeliveryStatus, Subscriber

SAVED = ("status", "attempts", "last_error", "message_id", "sent_at", "lease_until", "next_attempt_at")
SHARED = tuple(name for name in SAVED if name != "message_id")  # what the rows of one write-back UPDATE share


@cache
def _names() -> dict[str, str]:
    """Quoted table and column names: `delivery`, `d_<field>`, `subscriber`, `s_<field>` (once per process)."""
    d, s = Delivery._meta, Subscriber._meta
    names = {"delivery": d.db_table, "subscriber": s.db_table}
    names.update({f"d_{f.name}": f.column for f in d.concrete_fields})
    names.update({f"s_{f.name}": f.column for f in s.concrete_fields})
    return {key: connection.ops.quote_name(value) for key, value in names.items()}


def insert(dispatch_id: int, subscribers) -> None:
    """INSERT … SELECT … ON CONFLICT DO NOTHING: one pending row per subscriber of the query (the unique
    (dispatch, subscriber) makes a second run add nothing)."""
    q = _names()
    select, params = subscribers.values_list("pk", flat=True).order_by().query.sql_with_params()
    columns = ", ".join(q[f"d_{name}"] for name in ("dispatch", "subscriber", "status", "attempts"))
    columns += f", {q['d_last_error']}, {q['d_message_id']}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q['delivery']} ({columns}) SELECT %s, {q['s_id']}, %s, 0, '', ''"  # noqa: S608
            f" FROM {q['subscriber']} WHERE {q['s_id']} IN ({select}) ON CONFLICT DO NOTHING",
            [dispatch_id, DeliveryStatus.PENDING, *params],
        )


@dataclass
class Row:
    """A claimed delivery and what sending needs of its subscriber, as plain values."""

    pk: int
    attempts: int
    subscriber_id: int
    name: str
    email: str
    language: str
    subscriber_status: str
    status: str = DeliveryStatus.SENDING
    last_error: str = ""
    message_id: str = ""
    sent_at: datetime | None = None
    lease_until: datetime | None = None
    next_attempt_at: datetime | None = None


def claim(dispatch_id: int, size: int, *, now: datetime) -> list[Row]:
    """Take up to `size` due pending rows nobody else holds (SKIP LOCKED); they become `sending` until the
    lease ends. On PostgreSQL one statement claims, leases and reads the subscribers' fields."""
    lease = now + timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        params = [dispatch_id, DeliveryStatus.PENDING, now, size, DeliveryStatus.SENDING, lease]
        return [Row(*values) for values in sql.run([sql.Statement(_claim_sql(), params)])]
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(dispatch_id=dispatch_id, status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENDING, lease_until=lease)
    fields = ("pk", "attempts", "subscriber_id", "subscriber__name", "subscriber__email", "subscriber__language")
    values = Delivery.objects.filter(pk__in=ids).order_by("pk").values_list(*fields, "subscriber__status")
    return [Row(*row) for row in values]


@cache
def _claim_sql() -> str:
    """The claim's statement (its text made once per process, prepared once per connection by humas.sql)."""
    q = _names()
    return (  # identifiers from the models' meta; every value is a parameter
        f"WITH picked AS MATERIALIZED (SELECT {q['d_id']} FROM {q['delivery']}"  # noqa: S608
        f" WHERE {q['d_dispatch']} = %s AND {q['d_status']} = %s"
        f" AND ({q['d_next_attempt_at']} IS NULL OR {q['d_next_attempt_at']} <= %s)"
        f" ORDER BY {q['d_id']} LIMIT %s FOR UPDATE SKIP LOCKED),"
        f" claimed AS (UPDATE {q['delivery']} AS d SET {q['d_status']} = %s, {q['d_lease_until']} = %s"
        f" FROM picked WHERE d.{q['d_id']} = picked.{q['d_id']}"
        f" RETURNING d.{q['d_id']}, d.{q['d_attempts']}, d.{q['d_subscriber']})"
        f" SELECT c.{q['d_id']}, c.{q['d_attempts']}, s.{q['s_id']}, s.{q['s_name']}, s.{q['s_email']},"
        f" s.{q['s_language']}, s.{q['s_status']} FROM claimed AS c JOIN {q['subscriber']} AS s"
        f" ON s.{q['s_id']} = c.{q['d_subscriber']} ORDER BY c.{q['d_id']}"
    )


def save(rows: list[Row]) -> None:
    """Write back a batch's rows in one round trip. On PostgreSQL the rows that end alike (a batch's sent rows
    share their status, attempts, sending time…) go in one UPDATE each, with only their keys and Message-IDs
    as arrays: a statement whose text is the same for every batch, prepared once per connection (humas.sql),
    and no per-row parameters to adapt but two."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Delivery.objects.bulk_update(
            [Delivery(pk=row.pk, **{name: getattr(row, name) for name in SAVED}) for row in rows], SAVED
        )
        return
    alike: dict[tuple, list[Row]] = {}
    for row in rows:
        alike.setdefault(tuple(getattr(row, name) for name in SHARED), []).append(row)
    sql.run(
        [
            sql.Statement(_save_sql(), [*shared, [row.pk for row in group], [row.message_id for row in group]])
            for shared, group in alike.items()
        ]
    )


@cache
def _save_sql() -> str:
    q = _names()
    meta = Delivery._meta
    assignments = ", ".join(
        f"{q[f'd_{name}']} = %s::{meta.get_field(name).cast_db_type(connection)}" for name in SHARED
    )
    message_id = meta.get_field("message_id").cast_db_type(connection)
    return (
        f"UPDATE {q['delivery']} AS d SET {assignments}, {q['d_message_id']} = v.message_id"  # noqa: S608
        f" FROM unnest(%s::bigint[], %s::{message_id}[]) AS v(id, message_id) WHERE d.{q['d_id']} = v.id"
    )
