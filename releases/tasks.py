"""Thin Celery tasks: ids in, a service does the work. Idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task

from . import images, newsroom, publishing


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_renditions_task(photo_id: int) -> int:
    return images.make_renditions(photo_id)


@shared_task(acks_late=True)
def publish_due_releases_task() -> list[int]:
    return publishing.publish_due()


@shared_task(acks_late=True)
def flush_view_counts_task() -> int:
    return newsroom.flush_views()
