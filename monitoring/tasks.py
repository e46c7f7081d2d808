"""Thin Celery tasks of media monitoring: ids in, a service does the work, idempotent."""

from __future__ import annotations

from celery import shared_task

from . import alerts, clippings, sources, tones


@shared_task(acks_late=True)
def fetch_due_sources_task() -> int:
    """Beat, every minute: one fetch task per due source, so one slow feed never holds up the others."""
    ids = sources.due_ids()
    for source_id in ids:
        fetch_source_task.delay(source_id)
    return len(ids)


@shared_task(acks_late=True)
def fetch_source_task(source_id: int) -> int:
    return sources.fetch_source(source_id)


@shared_task(acks_late=True)
def classify_clipping_task(clipping_id: int) -> str:
    return clippings.classify(clipping_id)


@shared_task(acks_late=True)
def sweep_complaint_tones_task() -> int:
    """Beat, every minute: the tone of the complaints that arrived since the last run."""
    return tones.sweep()


@shared_task(acks_late=True)
def check_spikes_task() -> int:
    return alerts.check_spikes()


@shared_task(acks_late=True)
def daily_digest_task() -> int:
    return alerts.send_digests()
