"""Fixed-window rate limits kept in the cache (Redis in production): no outside service, no personal data
stored (keys hold a hash of the address)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}"


# count one event and start the window with the first: one command, atomic, so a key never lives unexpiring
_COUNT = """local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n"""
_count_script = []  # the registered script, made with the first client


def count(scope: str, ident: str, *, window: int) -> int:
    """Count one event; returns how many fell in the current `window` seconds (the first starts it)."""
    key = _key(scope, ident)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        if not _count_script:
            _count_script.append(client.register_script(_COUNT))
        return _count_script[0](keys=[backend.make_and_validate_key(key)], args=[window], client=client)
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
