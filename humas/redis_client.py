"""The one redis-py client of each process, for what Django's cache API cannot say (a hash of counters moved
to the database in bulk, a counting script). None in the embedded mode (no REDIS_URL). Its short timeouts
keep a Redis outage from holding a request: callers treat a RedisError as "Redis is not there now" and
note it in OUTAGE."""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings

from .outages import outage

# one per process for every caller of client() (rate limits, the view counter): after a failure they all
# leave Redis alone for a few seconds, so a Redis that hangs costs one timeout, and one warning a minute
OUTAGE = outage("Redis")


@cache
def client() -> redis.Redis | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5, health_check_interval=30)
