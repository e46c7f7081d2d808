"""The Redis cache when Redis is away: reads are misses, writes do nothing, nothing raises; the failure is
logged once a minute, and a Redis that accepts connections but never answers costs one socket timeout per
process every few seconds, not one per call."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from django.core.cache import caches

from humas import outages
from humas.cache import TolerantRedisCache
from tests.servers import closed_port


def cache_at(port: int) -> TolerantRedisCache:
    return TolerantRedisCache(
        f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_the_configured_cache_is_the_tolerant_one():
    assert isinstance(caches["default"], TolerantRedisCache)
    caches["default"].set("humas-test-key", {"a": 1})
    assert caches["default"].get("humas-test-key") == {"a": 1}


def test_with_redis_stopped_reads_miss_and_writes_do_nothing(caplog):
    cache = cache_at(closed_port())
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="humas.outages"):
        assert cache.get("k") is None
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["k", "l"]) == {}
        assert cache.has_key("k") is False
        assert cache.set("k", 1) is None
        assert cache.set_many({"k": 1, "l": 2}) == ["k", "l"]
        assert cache.add("k", 1) is False
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.delete_many(["k"]) is None
        assert cache.get_or_set("k", lambda: "computed") == "computed"
        with pytest.raises(ValueError):
            cache.incr("k")
        with pytest.raises(ValueError):
            cache.decr("k")
        assert cache.clear() is False
    assert time.perf_counter() - started < 0.5  # a refused connection costs milliseconds
    warnings = [record.getMessage() for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(warnings) == 1 and "Redis cache" in warnings[0]


def test_the_failure_is_logged_again_after_a_minute_not_before(caplog, monkeypatch):
    cache = cache_at(closed_port())
    now = [1000.0]
    monkeypatch.setattr(outages.time, "monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="humas.outages"):
        for step in range(0, 130, 10):  # a call every ten seconds for two minutes
            now[0] = 1000.0 + step
            cache.get("k")
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 3  # at 0 s, 60 s and 120 s


def test_a_silent_redis_costs_one_timeout_then_is_left_alone_for_a_while():
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        cache = cache_at(silent.getsockname()[1])
        started = time.perf_counter()
        assert cache.get("k") is None
        first = time.perf_counter() - started
        assert 0.4 < first < 1.5  # the socket timeout
        started = time.perf_counter()
        for _ in range(20):
            assert cache.get("k") is None
            cache.set("k", 1)
        assert time.perf_counter() - started < 0.1  # skipped while the outage is fresh
