"""Django's Redis cache, for a cache that may be away: with Redis stopped (or not answering within the
socket timeouts set in settings.CACHES), a read is a miss and a write does nothing, so pages are built from
the database instead of failing. Only the cache's public methods are wrapped; the failure is logged at most
once a minute per process, and Redis is left alone for a few seconds after it (humas.outages)."""

from __future__ import annotations

from urllib.parse import urlsplit

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from .outages import outage


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        first = urlsplit(server.split(",")[0].split(";")[0])
        self.outage = outage(f"Redis cache at {first.hostname}:{first.port or 6379}")

    def _guarded(self, call, fallback):
        """`call()`, or `fallback` when Redis fails now or failed a few seconds ago."""
        if not self.outage.active():
            try:
                return call()
            except redis.RedisError as exc:
                self.outage.failed(exc, "cache reads are misses and writes are skipped until it answers")
        return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # the fallback: the keys that were not stored, all of them
        return self._guarded(lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._guarded(lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._guarded(lambda: super(TolerantRedisCache, self).clear(), False)

    def incr(self, key, delta=1, version=None):
        """As Django's (decr calls it too); a key that cannot be reached is a missing key: ValueError, which
        callers already handle by starting the counter afresh."""
        missing = object()
        value = self._guarded(lambda: super(TolerantRedisCache, self).incr(key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key {key!r} cannot be reached: the cache is down.")
        return value
