"""The outbox under a real Celery worker on Redis, sending to a real SMTP server: receipts of reports filed
one after another each arrive once, and their wake-ups are coalesced — while a sender task is queued, more
messages only ring the doorbell instead of publishing a task each."""

from __future__ import annotations

from collections import Counter

import pytest
import redis
from django.conf import settings

from complaints import intake
from complaints.tests.test_intake import make_input
from humas import outbox
from humas.models import OutboxEmail
from releases.tests.test_dispatch_worker import received, sink, wait_until, workers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def queued(queue: str) -> int:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue)


def test_receipts_reach_a_real_worker_once_each_with_one_wake_up_per_burst(workers, sink, unit_tree):  # noqa: F811
    from humas.celery import app

    queue = app.conf.task_default_queue
    addresses = [f"warga{n}@example.test" for n in range(12)]
    for address in addresses:  # no worker yet: the first receipt publishes a task, the rest ring
        intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email=address), files=[])
    assert queued(queue) == 1
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == len(addresses)

    workers(concurrency=2)
    assert wait_until(lambda: not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists())
    assert received(sink) == Counter(dict.fromkeys(addresses, 1))

    # the sender answered the doorbell: the next receipt wakes a new task at once (not the minute sweep)
    intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email="warga-akhir@example.test"), files=[])
    assert wait_until(lambda: received(sink)["warga-akhir@example.test"] == 1, seconds=30)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == len(addresses) + 1
    assert outbox.sweep() == 0  # nothing was left for the sweep
