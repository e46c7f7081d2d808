"""Redis (the cache, the rate-limit counters) and the Celery broker may be away for a while; what uses them
goes on without them: a cache miss, a per-process rate limit, a message left for the outbox sweep.

An `Outage` remembers, in this process, when its service last failed. For `PAUSE` seconds after a failure
callers skip the service, so a Redis that hangs costs one socket timeout per process every few seconds
rather than one per call; and the failure is logged at most once a minute, not once per request."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)

PAUSE = 5.0  # seconds a service is left alone after a failure
LOG_EVERY = 60.0  # seconds between two warnings about the same service


class Outage:
    def __init__(self, service: str):
        self.service = service
        self.until = float("-inf")  # monotonic time before which the service is skipped
        self.logged_at = float("-inf")

    def active(self) -> bool:
        """True while the service failed less than PAUSE seconds ago: skip it."""
        return time.monotonic() < self.until

    def failed(self, exc: BaseException, consequence: str) -> None:
        """Note a failure (and log it, if this service's last warning is a minute old)."""
        now = time.monotonic()
        self.until = now + PAUSE
        if now - self.logged_at >= LOG_EVERY:
            self.logged_at = now
            log.warning("%s unreachable (%s: %s); %s", self.service, type(exc).__name__, exc, consequence)

    def forget(self) -> None:
        self.until = self.logged_at = float("-inf")


_outages: dict[str, Outage] = {}


def outage(service: str) -> Outage:
    """The one Outage of `service` in this process."""
    return _outages.setdefault(service, Outage(service))


def forget_all() -> None:
    """Every service counts as reachable again in this process (the tests, between cases)."""
    for each in _outages.values():
        each.forget()
