"""The view counter: each human view of a public release adds one to a Redis hash field
"<release id>:<day>:<source>"; the beat task `flush_view_counts_task` moves the hash to `Release.view_count`
and to the reach per source and day (`releases.social.reach`). Bots, link previews and prefetches are not
counted; the release row is never written per view.

A process gathers its views for up to `SEND_EVERY` seconds and sends them in one pipeline of HINCRBYs (a
timer thread, started by the first view of a batch, sends it; so does the process's exit). One round trip to
Redis per view cost the release page a fifth of its throughput. The price: a process killed outright loses
the views of its last second.

Without Redis (the embedded mode) a view updates the rows at once. With Redis away, a view is not counted
(and the trouble is logged at most once a minute)."""

from __future__ import annotations

import atexit
import re
import threading
from collections import Counter, defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from redis import RedisError, ResponseError

from humas import redis_client

from ..models import Release
from ..social import reach

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|whatsapp|telegram|preview|curl|wget|python-|"
    r"httpclient|go-http|java/|headless|lighthouse|feed|monitor|scrapy",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    if not agent or BOT_PATTERN.search(agent):
        return True
    purpose = request.headers.get("Purpose", "") or request.headers.get("Sec-Purpose", "")
    return "prefetch" in purpose.lower()


def views_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:releases:views"


def draining_key() -> str:
    return f"{views_key()}:draining"


_redis_outage = redis_client.OUTAGE


def report_trouble(exc: RedisError) -> None:
    _redis_outage.failed(exc, "views are not counted until it answers")


SEND_EVERY = 1.0  # seconds a process gathers views before sending them

_gathered: Counter[str] = Counter()  # this process's views not yet sent, by hash field
_gathered_lock = threading.Lock()


def count_view(release_id: int, source: str = "direct") -> None:
    """Count one view of a release, credited to its source (see `reach.view_source`) for today."""
    day = timezone.localdate()
    client = redis_client.client()
    if client is None:
        with transaction.atomic():
            Release.objects.filter(pk=release_id).update(view_count=F("view_count") + 1)
            reach.add_reach({(release_id, day, source): 1})
        return
    with _gathered_lock:
        first = not _gathered
        _gathered[f"{release_id}:{day.isoformat()}:{source}"] += 1
    if first:
        timer = threading.Timer(SEND_EVERY, send_gathered)
        timer.daemon = True
        timer.start()


def send_gathered() -> None:
    """Send this process's gathered views to Redis in one round trip (dropped while Redis is away)."""
    global _gathered
    with _gathered_lock:
        batch, _gathered = _gathered, Counter()
    client = redis_client.client()
    if not batch or client is None or _redis_outage.active():
        return
    pipe = client.pipeline(transaction=False)
    for field, n in batch.items():
        pipe.hincrby(views_key(), field, n)
    try:
        pipe.execute()
    except RedisError as exc:
        report_trouble(exc)


atexit.register(send_gathered)


def pending_views(release_id: int) -> int:
    """Views of a release counted and not yet moved to its row."""
    client = redis_client.client()
    if client is None:
        return 0
    send_gathered()
    try:
        pattern = f"{release_id}:*"
        return sum(int(n) for name in (views_key(), draining_key()) for _f, n in client.hscan_iter(name, match=pattern))
    except RedisError as exc:
        report_trouble(exc)
        return 0


def flush_views() -> int:
    """Move the counted views from Redis to the rows (totals, and views per source and day); returns how many
    releases' totals changed. The hash is first renamed (atomically), so views counted meanwhile land in a
    fresh hash and none is counted twice or lost; it is deleted once the rows are committed, and a flush
    that died half-way is finished by the next one. Beat runs this alone, every five minutes."""
    client = redis_client.client()
    if client is None:
        return 0
    send_gathered()  # this process's own views first (beat's process has none; a test's has)
    draining = draining_key()
    try:
        if not client.exists(draining):
            try:
                client.rename(views_key(), draining)
            except ResponseError:  # no such key: nothing was counted
                return 0
        fields = client.hgetall(draining)
    except RedisError as exc:
        report_trouble(exc)
        return 0
    counts: dict[tuple[int, date, str], int] = {}
    for field, n in fields.items():
        release_id, day, source = (field.decode() if isinstance(field, bytes) else field).split(":", 2)
        counts[(int(release_id), date.fromisoformat(day), source)] = int(n)
    existing = set(Release.objects.filter(pk__in={pk for pk, _d, _s in counts}).values_list("pk", flat=True))
    counts = {k: n for k, n in counts.items() if k[0] in existing}  # a release deleted meanwhile
    totals: dict[int, int] = defaultdict(int)
    for (release_id, _day, _source), n in counts.items():
        totals[release_id] += n
    with transaction.atomic():
        for release_id, n in totals.items():
            Release.objects.filter(pk=release_id).update(view_count=F("view_count") + n)
        reach.add_reach(counts)
        transaction.on_commit(lambda: _forget(client, draining))
    return len(totals)


def _forget(client, name: str) -> None:
    try:
        client.delete(name)
    except RedisError as exc:
        report_trouble(exc)
