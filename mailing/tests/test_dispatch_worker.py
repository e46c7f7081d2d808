"""The fan-out under real Celery workers on Redis, sending to a real SMTP server: every confirmed subscriber
receives exactly one message; a duplicated send task sends nothing twice; a worker killed with SIGKILL in the
middle of a dispatch loses nobody, and only its batch in flight can arrive twice."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from humas.celery import app
from mailing import dispatch, tasks
from mailing.models import Delivery, DeliveryStatus, Dispatch, DispatchState, SubscriberStatus
from mailing.tests.test_dispatch import free_port, subscribers
from releases.tests.factories import published
from tests.smtp_sink import Sink

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # real Celery workers


@pytest.fixture
def sink():
    server = Sink(free_port())
    server.start()
    yield server
    server.recorder.delay = 0
    server.stop()


def forget_routing() -> None:
    """Celery caches the queues and the router on first use: drop them so the default queue set here counts."""
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)
    app.amqp._rtable = None


@pytest.fixture
def workers(sink, tmp_path):
    """start(concurrency=…, **env) → a worker process on this test's own queue; all are killed at the end."""
    queue = f"dispatch-test-{secrets.token_hex(4)}"
    saved = {"task_always_eager": app.conf.task_always_eager, "task_default_queue": app.conf.task_default_queue}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    forget_routing()
    started: list[subprocess.Popen] = []

    def start(concurrency: int = 2, **extra: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "HUMAS_TEST_SMTP_PORT": str(sink.port),
            **extra,
        }
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115  read when a test fails
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "humas", "worker", "-Q", queue, "--concurrency", str(concurrency),
             "--pool", "prefork", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        started.append(process)
        return process

    try:
        yield start
    finally:
        app.conf.update(**saved)
        forget_routing()
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def wait_until(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def received(sink) -> Counter:
    return Counter(to for tos, _ in sink.recorder.messages for to in tos)


def test_a_real_worker_sends_each_confirmed_subscriber_exactly_one_message(sink, workers, editor, unit_tree):
    workers(concurrency=2, DISPATCH_BATCH_SIZE="7")
    confirmed = subscribers(30)
    subscribers(3, status=SubscriberStatus.PENDING, prefix="p")
    subscribers(3, status=SubscriberStatus.UNSUBSCRIBED, prefix="u")
    release = published(unit_tree["kanwil"], editor)  # commits: the hook enqueues the coordinator
    item = Dispatch.objects.get(release=release)
    assert wait_until(lambda: Dispatch.objects.filter(pk=item.pk, state=DispatchState.DONE).exists())
    assert received(sink) == Counter({s.email: 1 for s in confirmed})
    for _n in range(2):  # a duplicated task, twice: the claim finds nothing
        tasks.send_batch_task.apply_async(args=[item.pk])
    tasks.coordinate_dispatch_task.apply_async(args=[item.pk])
    time.sleep(3)
    assert received(sink) == Counter({s.email: 1 for s in confirmed})
    assert Delivery.objects.filter(dispatch=item, status=DeliveryStatus.SENT).count() == 30


def test_a_worker_killed_mid_dispatch_loses_nobody_and_repeats_at_most_its_batch(sink, workers, editor, unit_tree):
    batch = 20
    first = workers(concurrency=1, DISPATCH_BATCH_SIZE=str(batch), DISPATCH_LEASE_SECONDS="4")
    confirmed = subscribers(200)
    sink.recorder.delay = 0.01  # ~100 messages a second: the kill lands mid-dispatch
    release = published(unit_tree["kanwil"], editor)
    item = Dispatch.objects.get(release=release)
    assert wait_until(lambda: sink.recorder.count >= 50, 60)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    sent_before = sink.recorder.count
    assert sent_before < 200, "the dispatch finished before the kill: slow the sink down"
    workers(concurrency=2, DISPATCH_BATCH_SIZE=str(batch), DISPATCH_LEASE_SECONDS="4")
    time.sleep(4.5)  # the killed worker's lease runs out; beat's sweep (run here) sends its rows again
    dispatch.sweep()
    assert wait_until(lambda: Dispatch.objects.filter(pk=item.pk, state=DispatchState.DONE).exists(), 120), (
        Counter(Delivery.objects.filter(dispatch=item).values_list("status", flat=True)),
        Dispatch.objects.get(pk=item.pk).state,
        Delivery.objects.filter(dispatch=item).values_list("status", "lease_until", "next_attempt_at").first(),
    )
    counts = received(sink)
    assert set(counts) == {s.email for s in confirmed}  # nobody missed
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= batch
