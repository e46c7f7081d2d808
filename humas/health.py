"""/healthz: is the database, the cache and the Celery broker each reachable? 200 when all are, else 503.
Mail that exhausted its attempts (humas.outbox.needing_attention) is counted under "mail": the portal still
works, so the answer stays 200 with the status "degraded" until someone requeues it.
The answer names each check and its time, never a host, a password or a stack trace. Every check is
bounded by short timeouts, so a silent Redis makes the answer slow by about a second, not more."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import outbox


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


class CacheUnavailable(Exception):
    pass


def check_cache() -> str:
    """A value written and read back. The cache treats a Redis outage as a miss (humas.cache), so an outage
    shows here as a value that did not come back."""
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise CacheUnavailable("the cache did not return what was stored")
    cache.delete(key)
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "inline"
    from kombu import Connection

    options = {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0}
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=1, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        conn.default_channel.client.ping()
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            status = check()
        except Exception as exc:  # any failure of a dependency is a 503, never a 500
            healthy = False
            status = "down"
            results[name] = {"status": status, "error": type(exc).__name__}
        else:
            results[name] = {"status": status}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    status = "ok" if healthy else "down"
    try:
        stuck = sum(outbox.needing_attention().values())
    except Exception as exc:  # the database is down: already a 503 above
        results["mail"] = {"status": "unknown", "error": type(exc).__name__}
    else:
        results["mail"] = {"status": "attention" if stuck else "ok", "needing_attention": stuck}
        if stuck and healthy:
            status = "degraded"
    return JsonResponse({"status": status, "checks": results}, status=200 if healthy else 503)
