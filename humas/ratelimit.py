"""Fixed-window rate limits kept in the cache (Redis in production): no outside service, no personal data
stored (keys hold a hash of the address)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}"


def count(scope: str, ident: str, *, window: int) -> int:
    """Count one event; returns how many fell in the current `window` seconds (the first starts it)."""
    key = _key(scope, ident)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # one round trip: start the window if there is none, then count
        client = backend._cache.get_client(write=True)
        redis_key = backend.make_and_validate_key(key)
        with client.pipeline(transaction=False) as pipe:
            pipe.set(redis_key, 0, ex=window, nx=True)
            pipe.incr(redis_key)
            return pipe.execute()[1]
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def hit(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one attempt; False once more than `limit` attempts fell in the current `window` seconds."""
    return count(scope, ident, window=window) <= limit


def reset(scope: str, ident: str) -> None:
    cache.delete(_key(scope, ident))
