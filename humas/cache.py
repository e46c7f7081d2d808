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

    def _up(self) -> bool:
        return not self.outage.active()

    def _failed(self, exc: redis.RedisError) -> None:
        self.outage.failed(exc, "cache reads are misses and writes are skipped until it answers")

    def get(self, key, default=None, version=None):
        if self._up():
            try:
                return super().get(key, default, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return default

    def get_many(self, keys, version=None):
        if self._up():
            try:
                return super().get_many(keys, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return {}

    def has_key(self, key, version=None):
        if self._up():
            try:
                return super().has_key(key, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._up():
            try:
                return super().set(key, value, timeout, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if self._up():
            try:
                return super().set_many(data, timeout, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return list(data)  # the keys that were not stored: all of them

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._up():
            try:
                return super().add(key, value, timeout, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        if self._up():
            try:
                return super().touch(key, timeout, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return False

    def delete(self, key, version=None):
        if self._up():
            try:
                return super().delete(key, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return False

    def delete_many(self, keys, version=None):
        if self._up():
            try:
                return super().delete_many(keys, version)
            except redis.RedisError as exc:
                self._failed(exc)
        return None

    def incr(self, key, delta=1, version=None):
        """As Django's (decr calls it too); a key that cannot be reached is a missing key: ValueError, which
        callers already handle by starting the counter afresh."""
        if self._up():
            try:
                return super().incr(key, delta, version)
            except redis.RedisError as exc:
                self._failed(exc)
        raise ValueError(f"Key {key!r} cannot be reached: the cache is down.")

    def clear(self):
        if self._up():
            try:
                return super().clear()
            except redis.RedisError as exc:
                self._failed(exc)
        return False
