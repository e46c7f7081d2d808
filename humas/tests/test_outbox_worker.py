"""The outbox under a real Celery worker on Redis, sending to a real SMTP server: the receipts of reports
filed one after another each publish one task and each arrive once, and nothing is left for the sweep."""

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


def test_receipts_reach_a_real_worker_once_each_through_one_task_each(workers, sink, unit_tree):  # noqa: F811
    from humas.celery import app

    queue = app.conf.task_default_queue
    addresses = [f"warga{n}@example.test" for n in range(12)]
    for address in addresses:  # no worker yet: each committed receipt publishes its own task
        intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email=address), files=[])
    assert queued(queue) == len(addresses)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == len(addresses)

    workers(concurrency=2)
    assert wait_until(lambda: not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists())
    assert received(sink) == Counter(dict.fromkeys(addresses, 1))

    # with the worker running, the next receipt goes out at once (not with the minute's sweep)
    intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email="warga-akhir@example.test"), files=[])
    assert wait_until(lambda: received(sink)["warga-akhir@example.test"] == 1, seconds=30)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == len(addresses) + 1
    assert outbox.sweep() == 0  # nothing was left for the sweep
