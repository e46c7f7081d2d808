"""Fixed-window rate limits, one policy per action (`POLICIES`), counted in Redis so that every process
shares them. No outside service and no personal data: keys hold a hash of the address.

When Redis cannot be reached (or in the embedded mode, without Redis) each process counts alone in its own
memory with the same limit and window: a limit per process is weaker than a shared one, but a citizen is
never refused for our outage and a flood is still slowed down."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings
from django.core.cache import caches

from . import redis_client

_redis_outage = redis_client.OUTAGE


@dataclass(frozen=True)
class Policy:
    """At most `limit` attempts per identity in `window` seconds; `limit` is a number or the name of the
    setting that holds it (read at each call, so a changed setting applies at once)."""

    limit: int | str
    window: int

    def current_limit(self) -> int:
        return getattr(settings, self.limit) if isinstance(self.limit, str) else self.limit


POLICIES: dict[str, Policy] = {
    "complaint-submit": Policy("COMPLAINT_SUBMIT_LIMIT", 3600),  # reports per address per hour
    "complaint-track": Policy("COMPLAINT_TRACK_LIMIT", 600),  # tracking look-ups per address per 10 minutes
    "information-submit": Policy("INFORMATION_SUBMIT_LIMIT", 3600),  # information requests per address per hour
    "information-track": Policy("COMPLAINT_TRACK_LIMIT", 600),  # request look-ups per address per 10 minutes
    "subscribe": Policy("SUBSCRIBE_LIMIT", 3600),  # subscription forms per address per hour
    "place-name": Policy(30, 600),  # the picker's place-name look-ups per address per 10 minutes
    "release-test-mail": Policy(5, 600),  # test e-mails of a release per staff member per 10 minutes
    "password-reset": Policy("PASSWORD_RESET_LIMIT", 3600),  # reset forms per address per hour
    # e-mails a stranger can make the portal send to one recipient (receipt, subscription confirmation,
    # password reset): one per 10 minutes and a few a day, whoever asks and from wherever
    "mail-recipient": Policy(1, 600),
    "mail-recipient-day": Policy("MAIL_RECIPIENT_DAILY_LIMIT", 86400),
    "open311-request": Policy("OPEN311_REQUEST_LIMIT", 3600),  # Open311 POSTs per client app (API key) per hour
}


def bucket(ident: str) -> str:
    """The identity a limit counts: an IPv6 address stands for its /64 (one subscriber's whole network, which
    hands them 2^64 addresses to rotate through), an IPv4-mapped IPv6 address for the IPv4 address, anything
    else (an IPv4 address, a user id, an e-mail address) for itself."""
    try:
        address = ipaddress.ip_address(ident.strip())
    except ValueError:
        return ident
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def allow(action: str, ident: str) -> bool:
    """Count one attempt at `action` by `ident` (an address, a user id); False once the action's policy
    refuses it. An unknown action is a programming error (KeyError)."""
    policy = POLICIES[action]
    return hit(action, bucket(ident), limit=policy.current_limit(), window=policy.window)


def allow_mail_to(address: str) -> bool:
    """May the portal send one more stranger-triggered e-mail to `address` now? Counts the e-mail when yes."""
    address = address.strip().lower()
    if not address:
        return False
    # the daily count is only spent by e-mails the ten-minute limit let through
    return allow("mail-recipient", address) and allow("mail-recipient-day", address)


def hit(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one attempt; False once more than `limit` attempts fell in the current `window` seconds."""
    return count(scope, ident, window=window) <= limit


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}"


# one command, run atomically by Redis: the first event of a window creates the key with its expiry, every
# event increments it, so a key never lives unexpiring and the window does not slide
COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


@cache
def counter(client: redis.Redis):
    """COUNT_SCRIPT registered with `client` (redis-py sends it by its SHA, and whole when Redis lost it)."""
    return client.register_script(COUNT_SCRIPT)


def count(scope: str, ident: str, *, window: int) -> int:
    """Count one event; returns how many fell in the current `window` seconds (the first starts it)."""
    key = _key(scope, ident)
    client = redis_client.client()
    if client is None or _redis_outage.active():
        return count_here(key, window=window)
    try:
        shared_key = caches["default"].make_key(key)  # under the cache's prefix, like its other keys
        return counter(client)(keys=[shared_key], args=[window])
    except redis.RedisError as exc:
        _redis_outage.failed(exc, "each process counts its own rate limits until it answers")
        return count_here(key, window=window)


def count_here(key: str, *, window: int) -> int:
    """`count` in this process's memory alone (the "local" cache)."""
    local = caches["local"]
    if local.add(key, 1, timeout=window):
        return 1
    try:
        return local.incr(key)
    except ValueError:  # expired between add and incr
        local.add(key, 1, timeout=window)
        return 1
