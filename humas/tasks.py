"""Thin Celery tasks of the core app: ids in, a service call, nothing else."""

from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(acks_late=True)
def clear_expired_sessions_task() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox_task() -> int:
    from . import outbox

    return outbox.sweep()


@shared_task(acks_late=True, ignore_result=True)
def apply_retention_task() -> dict[str, int]:
    """Beat, daily: personal data past its term is anonymised or deleted (humas.retention)."""
    from . import retention

    return retention.run()
