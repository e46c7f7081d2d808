"""The outbox under a real Celery worker on Redis, sending to a real SMTP server: reports filed one after another
publish nothing; beat's sweep sends each receipt once, also when its runs overlap."""

from __future__ import annotations

from collections import Counter

import pytest
import redis
from django.conf import settings

from complaints.public import intake
from complaints.tests.test_intake import make_input
from humas import outbox
from humas.models import OutboxEmail
from mailing.tests.test_dispatch_worker import received, sink, wait_until, workers  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def queued(queue: str) -> int:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue)


def test_receipts_are_sent_once_each_by_the_periodic_sweep_even_when_runs_overlap(workers, sink, unit_tree):  # noqa: F811
    from humas.celery import app
    from humas.tasks import sweep_outbox_task

    queue = app.conf.task_default_queue
    addresses = [f"warga{n}@example.test" for n in range(12)]
    for address in addresses:  # filing a report publishes nothing: the receipt waits for the sweep
        intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email=address), files=[])
    assert queued(queue) == 0
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == len(addresses)

    workers(concurrency=2)
    for _ in range(3):  # beat's runs, overlapping in two worker processes: each message still goes once
        sweep_outbox_task.apply_async()
    assert wait_until(lambda: not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists())
    assert wait_until(lambda: sum(received(sink).values()) >= len(addresses))
    assert received(sink) == Counter(dict.fromkeys(addresses, 1))

    intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email="warga-akhir@example.test"), files=[])
    sweep_outbox_task.apply_async()
    assert wait_until(lambda: received(sink)["warga-akhir@example.test"] == 1, seconds=30)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == len(addresses) + 1
    assert outbox.sweep() == 0  # nothing left
