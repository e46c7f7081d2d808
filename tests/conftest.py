"""Fixtures of the cross-app tests (tests/ and tests/faults/)."""

from __future__ import annotations

import pytest

from tests.servers import free_port
from tests.test_redis_down import RedisServer


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own (no persistence), which the test may stop and start again."""
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()
