"""The periodic tasks under a real Celery worker (two processes) on Redis: scheduled releases due now are
published exactly once even when the task is delivered twice at the same moment; renditions get made."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from humas.celery import app
from releases import publishing, tasks
from releases.models import Release, ReleaseEvent, Status

from .factories import draft

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def worker(unit_tree):
    queue = f"releases-test-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "humas", "worker", "-Q", queue, "--concurrency", "2",
         "--pool", "prefork", "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_publishes_due_releases_once_when_the_tick_arrives_twice(worker, unit_tree, editor):
    ids = []
    for n in range(6):
        release = draft(unit_tree["kanwil"], editor, title=f"Terjadwal untuk worker nomor {n}")
        publishing.submit(release, by=editor)
        publishing.approve(release, by=editor)
        publishing.schedule(release, by=editor, publish_at=timezone.now() - timedelta(minutes=5))
        ids.append(release.pk)
    for _ in range(2):  # two beats deliver the same tick
        tasks.publish_due_releases_task.apply_async(queue=worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Release.objects.filter(pk__in=ids, status=Status.PUBLISHED).count() == len(ids):
            break
        time.sleep(0.3)
    assert Release.objects.filter(pk__in=ids, status=Status.PUBLISHED).count() == len(ids)
    time.sleep(1)  # let the second delivery finish too
    assert ReleaseEvent.objects.filter(release_id__in=ids, action="publish").count() == len(ids)
