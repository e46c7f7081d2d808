"""The fan-out's delivery rows in bulk, through the ORM: made from chunks of a subscriber query, claimed by a
send task with SELECT … FOR UPDATE SKIP LOCKED and a lease, written back with one UPDATE per outcome.

A sent row's Message-ID is made of the batch's random token and the row's id (`message_id`), so the rows a
batch sent are written back together by one UPDATE that builds each row's Message-ID from its id."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat

from .models import Delivery, DeliveryStatus

# what one write-back UPDATE sets; rows alike in all of these go in the same statement
SHARED = ("status", "attempts", "last_error", "sent_at", "lease_until", "next_attempt_at")


def insert(dispatch_id: int, subscriber_ids: Iterable[int], *, embargoed: bool = False) -> None:
    """One pending row per subscriber, in one INSERT … ON CONFLICT DO NOTHING: the unique (dispatch,
    subscriber) makes a second run add nothing (and a subscriber who had the embargoed copy gets no other)."""
    Delivery.objects.bulk_create(
        [Delivery(dispatch_id=dispatch_id, subscriber_id=pk, embargoed=embargoed) for pk in subscriber_ids],
        ignore_conflicts=True,
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
    embargoed: bool
    outlet_verified: bool | None
    status: str = DeliveryStatus.SENDING
    last_error: str = ""
    sent_at: datetime | None = None
    lease_until: datetime | None = None
    next_attempt_at: datetime | None = None


FIELDS = ("pk", "attempts", "subscriber_id", "subscriber__name", "subscriber__email", "subscriber__language",
          "subscriber__status", "embargoed", "subscriber__outlet__verified")  # fmt: skip


def claim(dispatch_id: int, size: int, *, now: datetime) -> list[Row]:
    """Take up to `size` due pending rows nobody else holds (SKIP LOCKED, the delivery rows only); they become
    `sending` until the lease ends (a worker killed meanwhile leaves them to the sweep)."""
    lease = now + timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    with transaction.atomic():
        rows = [
            Row(*values)
            for values in Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(dispatch_id=dispatch_id, status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
            .values_list(*FIELDS)[:size]
        ]
        if rows:
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=DeliveryStatus.SENDING, lease_until=lease
            )
    for row in rows:
        row.lease_until = lease
    return rows


def new_batch() -> str:
    """The random part of the Message-IDs of one send batch."""
    return secrets.token_hex(8)


def message_id(batch: str, pk: int, host: str) -> str:
    """The Message-ID of delivery `pk` sent by `batch`: unique, and known to the write-back from the id alone."""
    return f"<{batch}.{pk}@{host}>"


def save(rows: list[Row], *, batch: str = "", host: str = "") -> None:
    """Write back a batch's rows: one UPDATE per group of rows that ended alike (typically one, the sent ones).
    Sent rows get their Message-ID (`message_id(batch, pk, host)`), the others none."""
    alike: dict[tuple, list[int]] = {}
    for row in rows:
        alike.setdefault(tuple(getattr(row, name) for name in SHARED), []).append(row.pk)
    for shared, pks in alike.items():
        values = dict(zip(SHARED, shared, strict=True))
        if values["status"] == DeliveryStatus.SENT:
            values["message_id"] = Concat(
                Value(f"<{batch}."), Cast("pk", models.CharField()), Value(f"@{host}>"),
                output_field=models.CharField(),
            )  # fmt: skip
        else:
            values["message_id"] = ""
        Delivery.objects.filter(pk__in=pks).update(**values)
