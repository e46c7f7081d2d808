"""Media monitoring under a real Celery worker on Redis: beat's tick fetches every due feed from local servers
(a failing one does not stop the others), the new clippings arrive with their tone, complaints get theirs
from the sweep, and a negative spike reaches the admin through the outbox and a real SMTP server."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from conftest import make_staff
from humas.celery import app
from humas.tasks import sweep_outbox_task
from monitoring import sources, tasks
from monitoring.models import Clipping, ComplaintTone, Source
from tests.servers import free_port
from tests.smtp_sink import Sink

from . import feedserver as fs
from .helpers import complaints

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def sink():
    server = Sink(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(sink, tmp_path):
    queue = f"monitoring-test-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "HUMAS_TEST_SMTP_PORT": str(sink.port),
        "MONITORING_NEGATIVE_ALERT_THRESHOLD": "3",
        "MONITORING_FETCH_TIMEOUT": "2",
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 — read when the test fails
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "humas", "worker", "-Q", queue, "--concurrency", "2",
         "--pool", "prefork", "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    saved = {"task_always_eager": app.conf.task_always_eager, "task_default_queue": app.conf.task_default_queue}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)
    try:
        yield queue
    finally:
        app.conf.update(**saved)
        for name in ("queues", "default_queue", "router"):
            app.amqp.__dict__.pop(name, None)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def wait_until(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return condition()


def test_a_real_worker_fetches_tones_and_alerts_through_the_outbox(worker, sink, feeds, watchlist, unit_tree, tmp_path):
    admin = make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    now = timezone.now()
    stories = [
        ("Kanwil Tengah dikritik, antrean paspor kacau dan petugas kasar", "Warga sangat kecewa dan marah."),
        ("Antrean paspor Kanwil Tengah mengular, warga kecewa", "Pelayanan buruk, tidak ada kepastian."),
        ("Warga keluhkan antrean paspor di Kanwil Tengah", "Petugas lambat, warga kecewa sekali."),
        ("Kanwil Tengah raih penghargaan pelayanan publik terbaik", "Warga puas, pelayanan sangat bagus."),
    ]
    items = [
        {"title": t, "summary": s, "link": f"https://kabar.example/{n}", "date": now}
        for n, (t, s) in enumerate(stories)
    ]
    feeds.routes["/good"] = fs.rss(items)
    feeds.routes["/copy"] = fs.rss(
        [{"title": stories[0][0], "link": "https://kabar.example/0?utm_source=x", "date": now}]
    )
    feeds.routes["/broken"] = fs.status(500)
    feeds.routes["/bomb"] = fs.BOMB
    for path in ("/good", "/copy", "/broken", "/bomb"):
        sources.register(unit_id=watchlist.pk, name=path, outlet=f"Outlet {path}", url=feeds.url(path))
    made = complaints(unit_tree["kanwil"], [("Antrean paspor", "Antrean paspor sangat lama, kami kecewa")], at=now)

    tasks.fetch_due_sources_task.apply_async()  # beat's tick
    assert wait_until(lambda: Source.objects.filter(last_status="new").count() == 0), (
        tmp_path / "worker.log"
    ).read_text()
    assert Clipping.objects.count() == 4  # the copy under a tracking URL is the same clipping
    assert Clipping.objects.filter(tone="").count() == 0  # toned on arrival
    assert Clipping.objects.filter(tone="negative").count() >= 3
    assert dict(Source.objects.values_list("name", "last_status")) == {
        "/good": "ok",
        "/copy": "ok",
        "/broken": "failed",
        "/bomb": "refused",
    }

    tasks.sweep_complaint_tones_task.apply_async()
    assert wait_until(lambda: ComplaintTone.objects.filter(complaint_id=made[0].pk).exists())

    tasks.check_spikes_task.apply_async()
    sweep_outbox_task.apply_async()
    assert wait_until(lambda: any(admin.email in tos for tos, _body in sink.recorder.messages), 60)
    body = next(data for tos, data in sink.recorder.messages if admin.email in tos).decode(errors="replace")
    assert "Lonjakan berita negatif" in body or "=?utf-8?" in body.lower()
