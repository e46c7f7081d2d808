"""Rate-limit counters in Redis: one atomic command counts and starts the window, so no key lives forever."""

from __future__ import annotations

import time

from django.core.cache import cache

from humas import ratelimit


def test_counts_start_a_window_that_expires():
    assert [ratelimit.count("t", "10.0.0.1", window=1) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key(ratelimit._key("t", "10.0.0.1"))
    assert 0 < client.pttl(key) <= 1000  # the first count set the window's end
    time.sleep(1.1)
    assert ratelimit.count("t", "10.0.0.1", window=1) == 1
    assert ratelimit.hit("t", "10.0.0.2", limit=1, window=60) is True
    assert ratelimit.hit("t", "10.0.0.2", limit=1, window=60) is False


def test_a_restarted_redis_that_forgot_the_script_is_given_it_again():
    ratelimit.count("t", "10.0.0.3", window=60)
    cache._cache.get_client(write=True).script_flush()
    assert ratelimit.count("t", "10.0.0.3", window=60) == 2
