"""The fault tests' services, all their own: a redis-server they stop and start, an SMTP sink they stop and
start, gunicorn with production settings, a Celery worker and beat — or a PostgreSQL cluster of their own
for the restart. Each process reads the same environment, as in production."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.servers import ROOT, collect_static, free_port, gunicorn, production_env, stop
from tests.smtp_sink import Sink
from tests.test_redis_down import Portal


class RestartableSink:
    """The SMTP sink on a fixed port that can go away and come back; what it received is kept across."""

    def __init__(self):
        self.port = free_port()
        self.received: list[str] = []
        self.server: Sink | None = None

    def start(self) -> None:
        self.server = Sink(self.port)
        self.server.recorder.messages = _Collector(self.received)
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def count(self, address: str) -> int:
        return self.received.count(address)


class _Collector(list):
    """The recorder's message list, feeding every recipient to the sink's lasting list."""

    def __init__(self, into: list[str]):
        super().__init__()
        self.into = into

    def append(self, item) -> None:
        super().append(item)
        self.into.extend(item[0])


@pytest.fixture
def smtp():
    sink = RestartableSink()
    sink.start()
    yield sink
    sink.stop()


@dataclass
class Stack:
    portal: Portal
    env: dict[str, str]
    tmp_path: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def celery(self, *args: str, name: str) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "humas", *args, "--loglevel", "WARNING"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process


def stack_env(tmp_path: Path, *, database: str, redis_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    queue = f"faults-{secrets.token_hex(4)}"
    return production_env(
        tmp_path,
        HTTPS="false",
        DATABASE_URL=database,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"humas-{queue}",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        COMPLAINT_FORM_MIN_SECONDS="0",
        SUBSCRIBE_FORM_MIN_SECONDS="0",
        LOG_LEVEL="WARNING",
        **extra,
    )


def start_stack(tmp_path: Path, env: dict[str, str], *, worker: bool = True) -> tuple[Stack, subprocess.Popen]:
    collect_static(env)
    server, port = gunicorn(env, workers=2, log=tmp_path / "gunicorn.log")
    stack = Stack(Portal(f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log"), env, tmp_path)
    for path in ("/healthz", "/", "/pengaduan/"):  # warm both workers' imports and caches: not part of any test
        for _worker in range(2):
            requests.get(stack.portal.base + path, timeout=60)
    if worker:
        stack.celery("worker", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "--concurrency", "1", "--without-gossip",
                     "--without-mingle", "--without-heartbeat", name="worker")  # fmt: skip
        stack.celery("beat", "--schedule", str(tmp_path / "beat-schedule"), name="beat")
    return stack, server


def stop_stack(stack: Stack, server: subprocess.Popen) -> None:
    stop(server)
    for process in stack.processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def stack_settings():
    """Extra environment for the stack, set by a test before it asks for `stack`."""
    return {}


@pytest.fixture
def stack(tmp_path, own_redis, smtp, stack_settings):
    """gunicorn (2 workers), a Celery worker and beat on the test database, `own_redis` and the `smtp` sink."""
    from django.db import connection

    env = stack_env(
        tmp_path,
        database=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        redis_url=f"redis://127.0.0.1:{own_redis.port}/0",
        smtp_port=smtp.port,
        **stack_settings,
    )
    running, server = start_stack(tmp_path, env)
    try:
        yield running
    finally:
        stop_stack(running, server)


def server_password(user, password: str = "s3cret-Passw0rd") -> str:  # noqa: S107 (a test account)
    """The servers' settings do not know the tests' fast hasher: store the password with the real one."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])
    return password
