"""The outbox under a real Celery worker on Redis, sending to a real SMTP server: receipts of reports filed
one after another each arrive once, and their wake-ups are coalesced — a burst of messages publishes one task
at once and one scheduled for the end of that second, not a task each. The schedule itself, step by step."""

from __future__ import annotations

import math
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
import redis
from django.conf import settings

from complaints.public import intake
from complaints.tests.test_intake import make_input
from humas import outbox
from humas.models import OutboxEmail
from mailing.tests.test_dispatch_worker import received, sink, wait_until, workers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def queued(queue: str) -> int:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue)


def test_receipts_reach_a_real_worker_once_each_with_few_wake_ups_per_burst(workers, sink, unit_tree):  # noqa: F811
    from humas.celery import app

    queue = app.conf.task_default_queue
    addresses = [f"warga{n}@example.test" for n in range(12)]
    started = time.time()
    for address in addresses:  # no worker yet: the first receipt publishes a task, one more is set for later
        intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email=address), files=[])
    seconds = math.ceil((time.time() - started) / outbox.WAKE_EVERY)
    assert 2 <= queued(queue) <= 2 * seconds + 1 < len(addresses)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == len(addresses)

    workers(concurrency=2)
    assert wait_until(lambda: not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists())
    assert received(sink) == Counter(dict.fromkeys(addresses, 1))

    # a second later, the next receipt wakes a new task at once (not the minute sweep)
    intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email="warga-akhir@example.test"), files=[])
    assert wait_until(lambda: received(sink)["warga-akhir@example.test"] == 1, seconds=30)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == len(addresses) + 1
    assert outbox.sweep() == 0  # nothing was left for the sweep


def test_the_wake_up_schedule_publishes_at_once_then_once_for_the_rest_of_the_second():
    at = 1_000_000.0
    outbox.forget_wake_ups()
    assert outbox._wake_options(at) == {}  # the first message: at once
    end = at + outbox.WAKE_EVERY
    assert outbox._wake_options(at + 0.2) == {"eta": datetime.fromtimestamp(end, UTC)}  # one task at the end
    assert outbox._wake_options(at + 0.5) is None  # covered by that task
    assert outbox._wake_options(end - outbox._SCHEDULE_MARGIN / 2) == {  # too close to its start: one more later
        "eta": datetime.fromtimestamp(end - outbox._SCHEDULE_MARGIN / 2 + outbox.WAKE_EVERY, UTC)
    }
    assert outbox._wake_options(end + 0.5) is None  # covered by the later one
    assert outbox._wake_options(end + 2 * outbox.WAKE_EVERY) == {}  # after a quiet second: at once again
