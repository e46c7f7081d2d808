"""Personal data kept no longer than needed (UU 27/2022). Each app registers what it keeps and how it lets
go of it from its AppConfig.ready(); beat's daily `apply_retention_task` runs them all:

    retention.register("complaints", complaints.retention.purge)    # purge(now) -> rows changed

A purge is idempotent (a second run the same day changes nothing) and decides its own term from the settings
(`days(...)`), so that a kind without a setting keeps nothing forever by mistake. humas itself registers the
outbox: sent and failed e-mails (which name their recipient) go after RETENTION_DAYS_OUTBOX days."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone

log = logging.getLogger(__name__)

Purge = Callable[[datetime], int]
PURGES: dict[str, Purge] = {}


def data_download(data: dict, filename: str) -> JsonResponse:
    """What the portal holds about a person's report or request, as the JSON file they download (their right
    of access under UU 27/2022): readable, never cached on the way."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def register(name: str, purge: Purge) -> None:
    PURGES[name] = purge


def days(setting: str) -> int:
    """A retention term from the settings, in days (RETENTION_DAYS_<KIND>)."""
    return int(getattr(settings, setting))


def cutoff(setting: str, now: datetime) -> datetime:
    return now - timedelta(days=days(setting))


def run(*, now: datetime | None = None) -> dict[str, int]:
    """Every registered purge, each on its own (one failing does not stop the others, and is logged)."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for name, purge in PURGES.items():
        try:
            done[name] = purge(now)
        except Exception:
            log.exception("retention: %s failed; the next run tries again", name)
            done[name] = -1
    return done


def purge_outbox(now: datetime) -> int:
    from .models import OutboxEmail

    deleted, _ = OutboxEmail.objects.filter(
        status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED],
        updated_at__lt=cutoff("RETENTION_DAYS_OUTBOX", now),
    ).delete()
    return deleted
