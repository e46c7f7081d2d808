"""Thin Celery tasks of the mailing list: ids in, a service does the work. Idempotent: running one twice
does no harm."""

from __future__ import annotations

from celery import shared_task

from . import dispatch


@shared_task(acks_late=True)
def coordinate_dispatch_task(dispatch_id: int) -> int:
    return dispatch.coordinate(dispatch_id)


@shared_task(acks_late=True)
def send_batch_task(dispatch_id: int) -> int:
    """One batch of DISPATCH_BATCH_SIZE messages; retries are scheduled by the service, per row."""
    return dispatch.send_batch(dispatch_id).sent


@shared_task(acks_late=True)
def sweep_dispatches_task() -> int:
    return dispatch.sweep()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_test_mail_task(release_id: int, user_id: int, language: str) -> None:
    """'Send a test to me' from the release's staff page."""
    dispatch.send_test(release_id, user_id, language)
