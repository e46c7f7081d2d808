"""News sources: registering one (its address checked against the SSRF rules) and fetching the due ones,
each on its own, so that a feed that is slow, huge, malformed, hostile or failing never stops the others.
A failing source is tried again after its interval doubled per failure in a row (at most a day)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from humas.errors import Refused

from . import clippings, fetching
from .models import FetchStatus, Source

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(days=1)
LEASE = timedelta(minutes=10)  # a claimed source is not claimed again for this long (a killed worker's)


@transaction.atomic
def register(*, unit_id: int, name: str, outlet: str, url: str, interval_minutes: int = 15) -> Source:
    try:
        fetching.check_address(url)
    except fetching.FetchError as exc:
        if exc.refused:
            raise Refused(exc.message) from None
        # a host that does not resolve today may tomorrow: stored, and its status will say so
    if Source.objects.filter(unit_id=unit_id, url=url).exists():
        raise Refused(_("This unit already has a source with this address."))
    return Source.objects.create(
        unit_id=unit_id, name=name, outlet=outlet, url=url, interval_minutes=interval_minutes,
        next_fetch_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def set_active(source: Source, *, active: bool) -> None:
    source.is_active = active
    source.next_fetch_at = timezone.now() if active else source.next_fetch_at
    source.save(update_fields=["is_active", "next_fetch_at", "updated_at"])


def due_ids(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    due = Source.objects.filter(is_active=True).filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
    return list(due.order_by("next_fetch_at").values_list("pk", flat=True)[:500])


def claim(source_id: int, now: datetime) -> bool:
    """Take the source for one fetch: one UPDATE that only one worker wins while it is due."""
    return bool(
        Source.objects.filter(pk=source_id, is_active=True)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .update(next_fetch_at=now + LEASE)
    )


def backoff(source: Source) -> timedelta:
    return min(timedelta(minutes=source.interval_minutes) * (2 ** min(source.failures, 10)), MAX_BACKOFF)


def fetch_source(source_id: int, *, now: datetime | None = None) -> int:
    """Fetch one due source and store its new clippings. Returns the number of new clippings; a source that
    is not due (fetched by another worker a moment ago) is left alone."""
    now = now or timezone.now()
    if not claim(source_id, now):
        return 0
    source = Source.objects.get(pk=source_id)
    new = 0
    try:
        fetched = fetching.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        if fetched.status == 304:
            status, count = FetchStatus.NOT_MODIFIED, 0
        else:
            items = fetching.parse(fetched.body, content_type=fetched.content_type)
            new = len(clippings.ingest(source, items, now=now))
            status, count = FetchStatus.OK, len(items)
            source.etag, source.last_modified = fetched.etag, fetched.last_modified
    except fetching.FetchError as exc:
        source.failures += 1
        source.last_status = FetchStatus.REFUSED if exc.refused else FetchStatus.FAILED
        source.last_error = exc.message[:300]
        source.next_fetch_at = now + backoff(source)
        log.info("feed %s failed (%s in a row): %s", source.pk, source.failures, exc.message)
    else:
        source.failures = 0
        source.last_status, source.last_error, source.last_items = status, "", count
        source.new_clippings += new
        source.next_fetch_at = now + timedelta(minutes=source.interval_minutes)
    source.last_fetch_at = now
    source.save(
        update_fields=[
            "etag", "last_modified", "last_fetch_at", "last_status", "last_error", "last_items", "new_clippings",
            "failures", "next_fetch_at", "updated_at",
        ]
    )  # fmt: skip
    return new
