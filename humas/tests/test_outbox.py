"""The outbox: rows stored once per key inside the caller's transaction, sent by the periodic sweep (at once
on commit in the embedded mode); the caller never waits for the broker."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction

from humas import outbox
from humas.models import OutboxEmail, Unit
from tests.servers import closed_port

RECEIPT = {"template": "emails/complaint_receipt"}


def message(key: str, to: str = "warga@example.test") -> dict:
    return {"key": key, "to": to, "template": "emails/plain_test", "context": {}}


@pytest.fixture(autouse=True)
def plain_template(tmp_path, settings):
    """A template of its own, so that these tests need no app's rows."""
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "plain_test.subject.txt").write_text("Halo")
    (tmp_path / "emails" / "plain_test.txt").write_text("Isi pesan")
    (tmp_path / "emails" / "plain_test.html").write_text("")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.mark.django_db(transaction=True)
def test_a_repeated_key_inside_the_callers_transaction_writes_nothing_and_breaks_nothing():
    with transaction.atomic():
        first = outbox.enqueue(**message("k:1"))
        again = outbox.enqueue(**message("k:1", to="lain@example.test"))
        Unit.objects.create(name="Satker Sesudahnya", slug="satker-sesudahnya")  # the transaction still works
    assert first == again
    assert OutboxEmail.objects.get(key="k:1").to == "warga@example.test"
    assert Unit.objects.filter(slug="satker-sesudahnya").exists()
    assert [m.to for m in mail.outbox] == [["warga@example.test"]]  # inline task on commit: sent once


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_callers_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(**message("k:2"))
        raise RuntimeError("the caller failed")
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


@pytest.fixture
def tasks_not_inline():
    from humas.celery import app

    saved = app.conf.task_always_eager
    app.conf.update(task_always_eager=False)
    yield
    app.conf.update(task_always_eager=saved)


@pytest.fixture
def dead_broker(settings):
    """The broker at a port where nothing listens, with the settings' transport options (production's)."""
    from humas.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=f"redis://127.0.0.1:{closed_port()}/0", task_always_eager=False)
    app._pool = None  # connect to the dead broker, not through a pooled connection to the live one
    app.amqp._producer_pool = None
    yield
    app.conf.update(**saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_committing_a_message_asks_nothing_of_the_broker_and_the_periodic_sweep_sends_it(dead_broker):
    started = time.perf_counter()
    ids = [outbox.enqueue(**message(f"k:{n}")) for n in range(5)]
    assert time.perf_counter() - started < 1  # a dead broker costs the caller nothing
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == 5
    assert mail.outbox == []
    assert outbox.sweep() == 5  # beat's run, every five seconds: oldest first, each once
    assert [m.to for m in mail.outbox] == [["warga@example.test"]] * 5
    assert outbox.sweep() == 0
    assert set(OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).values_list("pk", flat=True)) == set(ids)


@pytest.mark.django_db(transaction=True)
def test_a_message_in_its_back_off_waits_and_a_backlog_is_sent_batch_by_batch(tasks_not_inline, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(outbox, "SWEEP_BATCH", 2)
    for n in range(5):
        outbox.enqueue(**message(f"k:{n}"))
    OutboxEmail.objects.filter(key="k:0").update(next_attempt_at=timezone.now() + timedelta(minutes=10))
    assert outbox.sweep() == 4  # three batches of two, the one in back-off left for later
    assert OutboxEmail.objects.get(key="k:0").status == OutboxEmail.Status.PENDING
    assert outbox.sweep(now=timezone.now() + timedelta(minutes=11)) == 1
