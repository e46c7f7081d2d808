"""A Celery worker's process SIGKILLed in the middle of a task that is not the fan-out (beat's outbox sweep,
sending a reporter's receipt): the task is acknowledged late and rejected when its worker is lost, so the
broker hands it out again; the rerun sends the receipt, once. No beat runs here: only the redelivered task
can send it."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from complaints.public import intake
from complaints.tests.test_intake import make_input
from humas.celery import app
from humas.models import OutboxEmail
from mailing.tests.test_dispatch_worker import received, sink, wait_until, workers  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes (the children of its main process)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_every_task_is_acknowledged_late_and_requeued_when_its_worker_is_lost():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(ours) >= 10
    assert [name for name, task in ours.items() if not task.acks_late] == []
    assert app.conf.task_reject_on_worker_lost is True
    assert [name for name, task in ours.items() if task.reject_on_worker_lost is False] == []


def test_a_worker_killed_while_sending_a_receipt_loses_nothing_and_sends_it_once(sink, workers, unit_tree):  # noqa: F811
    from humas.tasks import sweep_outbox_task

    in_data = threading.Event()
    original = sink.recorder.handle_DATA

    async def slow_data(server, session, envelope):
        in_data.set()
        return await original(server, session, envelope)

    sink.recorder.handle_DATA = slow_data
    sink.recorder.delay = 60  # the first try hangs in DATA until the kill
    intake.submit_complaint(data=make_input(unit_tree["kanwil"], reporter_email="warga@example.test"), files=[])
    worker = workers(concurrency=1)
    sweep_outbox_task.apply_async()
    assert wait_until(in_data.is_set, 60), "the worker never reached the SMTP server"
    children = pool_children(worker.pid)
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)  # mid-task: the message's DATA is not finished
    sink.recorder.delay = 0
    assert wait_until(lambda: received(sink)["warga@example.test"] >= 1, 60), "the task was not run again"
    assert wait_until(lambda: OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 1, 10)
    threading.Event().wait(3)  # a second copy would arrive meanwhile
    assert received(sink) == {"warga@example.test": 1}
    row = OutboxEmail.objects.get()
    assert row.attempts == 1  # the killed try's transaction was rolled back with its connection
    assert worker.poll() is None  # the worker itself lives on with a new pool process
