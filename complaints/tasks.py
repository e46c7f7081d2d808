"""Thin Celery tasks of the complaints app: they call a service and return a count."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def sla_digest_task() -> int:
    from complaints.handling.digest import queue_digests

    return queue_digests()


@shared_task(acks_late=True, ignore_result=True)
def auto_close_task() -> int:
    from complaints.handling.workflow import auto_close_due

    return auto_close_due()


@shared_task(acks_late=True, ignore_result=True)
def clarify_reporters_task(release_id: int) -> int:
    from complaints.handling.clarifications import notify_published

    return notify_published(release_id)
