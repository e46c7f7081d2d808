"""Rate limits: counted in Redis, one atomic round trip that counts and starts the window, so no key lives
forever; one policy per action; with Redis unreachable, each process still refuses past the limit."""

from __future__ import annotations

import logging
import time

import pytest
import redis
from django.core.cache import caches

from humas import ratelimit, redis_client
from tests.servers import closed_port


def redis_key(scope: str, ident: str) -> str:
    return caches["default"].make_key(ratelimit._key(scope, ident))


def test_counts_start_a_window_that_expires():
    assert [ratelimit.count("t", "10.0.0.1", window=1) for _ in range(3)] == [1, 2, 3]
    assert 0 < redis_client.client().pttl(redis_key("t", "10.0.0.1")) <= 1000  # the first count set the end
    time.sleep(1.1)
    assert ratelimit.count("t", "10.0.0.1", window=1) == 1
    assert ratelimit.hit("t", "10.0.0.2", limit=1, window=60) is True
    assert ratelimit.hit("t", "10.0.0.2", limit=1, window=60) is False


def test_later_counts_do_not_move_the_window_on():
    ratelimit.count("t", "10.0.0.3", window=60)
    first = redis_client.client().pttl(redis_key("t", "10.0.0.3"))
    time.sleep(0.2)
    assert ratelimit.count("t", "10.0.0.3", window=60) == 2
    assert 0 < redis_client.client().pttl(redis_key("t", "10.0.0.3")) <= first - 150


def test_the_count_lives_in_redis_for_every_process(settings):
    """Another process's connection (here: another client) reads the same counter."""
    ratelimit.count("t", "10.0.0.4", window=60)
    other = redis.Redis.from_url(settings.REDIS_URL)
    assert int(other.get(redis_key("t", "10.0.0.4"))) == 1
    assert ratelimit.count("t", "10.0.0.4", window=60) == 2


def test_a_policy_names_the_limit_and_window_of_each_action(settings):
    settings.COMPLAINT_SUBMIT_LIMIT = 2
    assert ratelimit.POLICIES["complaint-submit"].window == 3600
    assert [ratelimit.allow("complaint-submit", "10.0.0.5") for _ in range(3)] == [True, True, False]
    assert ratelimit.allow("complaint-submit", "10.0.0.6") is True  # another address has its own count
    assert ratelimit.allow("complaint-track", "10.0.0.5") is True  # another action too
    assert redis_client.client().ttl(redis_key("complaint-submit", "10.0.0.5")) > 3500
    with pytest.raises(KeyError):
        ratelimit.allow("no-such-action", "10.0.0.5")


def test_every_action_in_use_has_a_policy(settings):
    for action, policy in ratelimit.POLICIES.items():
        assert policy.current_limit() > 0, action
        assert policy.window > 0, action
    assert {"complaint-submit", "complaint-track", "subscribe", "release-test-mail"} <= set(ratelimit.POLICIES)


@pytest.fixture
def unreachable_redis(monkeypatch):
    # as humas.redis_client makes its client, at a port where nothing listens
    dead = redis.Redis.from_url(f"redis://127.0.0.1:{closed_port()}/0", socket_connect_timeout=0.5, socket_timeout=0.5)
    monkeypatch.setattr(redis_client, "client", lambda: dead)


def test_without_redis_each_process_still_refuses_past_the_limit(unreachable_redis, settings, caplog):
    settings.COMPLAINT_SUBMIT_LIMIT = 3
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="humas.outages"):
        answers = [ratelimit.allow("complaint-submit", "10.0.0.7") for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert time.perf_counter() - started < 1  # a refused connection costs milliseconds
    warnings = [record for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(warnings) == 1  # logged once, not once per attempt
    assert ratelimit.allow("complaint-submit", "10.0.0.8") is True  # another address: its own count


def test_without_redis_the_local_window_expires(unreachable_redis):
    assert [ratelimit.hit("t", "10.0.0.9", limit=1, window=1) for _ in range(2)] == [True, False]
    time.sleep(1.1)
    assert ratelimit.hit("t", "10.0.0.9", limit=1, window=1) is True
