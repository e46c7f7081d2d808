"""The newsroom's cache: whole pages (and the list's facets) kept under the newsroom's version, through the
stock cache API.

Every public change (a publication, a correction, a withdrawal, a photo) bumps one version number in the
shared cache (`caches["default"]`, Redis) on commit. Entries are keyed by that version, so a change makes
every older entry unreachable at once. Each process reads the version through its own memory
(`caches["local"]`, LocMemCache) and asks Redis again at most every RELEASES_VERSION_CHECK_MS; it keeps the
pages it served in that memory too, so a hot page costs no network round trip. A bump shows in the process
that made it at once and in the others within that interval.

Redis away: the shared cache's reads are misses (humas.cache.TolerantRedisCache), so no version can be
trusted, nothing is cached and pages are built from the database.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches

T = TypeVar("T")

VERSION_KEY = "releases:newsroom-version"
PAGE_CACHE_SECONDS = 300


def _shared_version() -> int | None:
    value = cache.get(VERSION_KEY)
    if value is None:
        # start from the clock, not 1: a cache that was emptied never brings an old version back
        cache.add(VERSION_KEY, int(time.time() * 1000), None)
        value = cache.get(VERSION_KEY)
    return int(value) if value is not None else None


def current_version() -> int | None:
    """The newsroom's version as this process last read it (at most RELEASES_VERSION_CHECK_MS ago), or None
    when the shared cache cannot say."""
    local = caches["local"]
    value = local.get(VERSION_KEY)
    if value is None:
        value = _shared_version() or 0  # 0: "unknown", remembered too, so that Redis is asked once per interval
        local.set(VERSION_KEY, value, settings.RELEASES_VERSION_CHECK_SECONDS)
    return value or None


def bump_version() -> None:
    """Every cached newsroom page and facet becomes stale at once (called on commit of a public change)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or it was evicted, or Redis is away: then nothing is cached anyway)
        cache.set(VERSION_KEY, int(time.time() * 1000), None)
    caches["local"].delete(VERSION_KEY)


def key(*parts: Any) -> str | None:
    """The cache key of an entry named by `parts` under the current version; None when there is none."""
    version = current_version()
    if version is None:
        return None
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"releases:{version}:{parts[0]}:{digest}"


def get(cache_key: str) -> Any:
    """The entry from this process's memory, else from Redis (and then remembered here); None on a miss."""
    local = caches["local"]
    value = local.get(cache_key)
    if value is not None:
        return value
    value = cache.get(cache_key)
    if value is not None:
        local.set(cache_key, value, PAGE_CACHE_SECONDS)
    return value


def put(cache_key: str, value: Any, timeout: int = PAGE_CACHE_SECONDS) -> None:
    caches["local"].set(cache_key, value, timeout)
    cache.set(cache_key, value, timeout)


def fetch(
    parts: tuple, build: Callable[[], T], *, timeout: int = PAGE_CACHE_SECONDS, keep: Callable[[], bool] | None = None
) -> T:
    """The entry named by `parts`, built and stored on a miss (built every time when Redis is away). `keep`,
    asked only on a miss, may say the built entry is not worth storing (a page for a made-up filter value)."""
    cache_key = key(*parts)
    if cache_key is None:
        return build()
    value = get(cache_key)
    if value is None:
        value = build()
        if keep is None or keep():
            put(cache_key, value, timeout)
    return value
