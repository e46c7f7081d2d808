"""PostgreSQL restarted mid-traffic: a cluster of the test's own (initdb, pg_ctl as the postgres user) holds a
copy of the test database; gunicorn serves it while visitors read pages and file reports; the cluster stops
and starts again. The requests it breaks answer 503 (a clean page, or the API's error shape) and only during
the gap; the ones after it succeed; no 500, no traceback."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import pytest
import requests

from tests.faults.conftest import Stack, stack_env, start_stack, stop_stack
from tests.servers import free_port
from tests.test_redis_down import complaint

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found under /usr/lib/postgresql/*/bin: install PostgreSQL (scripts/services)")
    return found[-1]


def as_postgres(*command: str) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)


class Cluster:
    """A scratch PostgreSQL cluster on a free port, trust authentication on loopback."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="humas-pg-")
        self.data = os.path.join(self.folder, "data")
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        result = as_postgres(pg_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        result = as_postgres(pg_bin("pg_ctl"), "-D", self.data, "-o", options, "-l", f"{self.folder}/log", "-w",
                             "start")  # fmt: skip
        assert result.returncode == 0, result.stderr + result.stdout

    def stop(self) -> None:
        as_postgres(pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    scratch = Cluster()
    scratch.start()
    yield scratch
    scratch.remove()


@dataclass
class Answer:
    at: float
    path: str
    status: int  # 0: no answer at all
    body: str


def visitor(base: str, stop: threading.Event, answers: list[Answer], n: int) -> None:
    session = requests.Session()
    paths = ["/", "/pengaduan/publik/", "/siaran-pers/", "/api/v1/units/"]
    i = 0
    while not stop.is_set():
        i += 1
        try:
            if i % 3 == 0:
                path = "/api/v1/complaints/"
                response = session.post(base + path, json=complaint(n * 1000 + i), timeout=15)
            else:
                path = paths[i % len(paths)]
                response = session.get(base + path, timeout=15, allow_redirects=False)
            answers.append(Answer(time.monotonic(), path, response.status_code, response.text[:2000]))
        except requests.RequestException:
            answers.append(Answer(time.monotonic(), path, 0, ""))
        time.sleep(0.05)


def test_a_postgres_restart_mid_traffic_gives_503_only_during_the_gap(cluster, tmp_path, unit_tree):
    from django.db import connection

    dump = subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", connection.settings_dict["NAME"]],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dump.returncode == 0, dump.stderr
    psql = ["psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    subprocess.run([*psql, "-qc", "CREATE DATABASE humas"], check=True, capture_output=True)
    loaded = subprocess.run(
        [*psql, "-q", "-v", "ON_ERROR_STOP=1", "humas"],
        input=dump.stdout, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    env = stack_env(
        tmp_path,
        database=f"postgres://postgres@127.0.0.1:{cluster.port}/humas",
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        smtp_port=free_port(),
        COMPLAINT_SUBMIT_LIMIT="100000",
    )
    stack, server = start_stack(tmp_path, env, worker=False)
    try:
        run(stack, cluster)
    finally:
        stop_stack(stack, server)


def run(stack: Stack, cluster: Cluster) -> None:
    base = stack.portal.base
    stop, answers = threading.Event(), []
    visitors = [threading.Thread(target=visitor, args=(base, stop, answers, n)) for n in range(4)]
    for thread in visitors:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while len(answers) < 20 and time.monotonic() < deadline:  # traffic flows before the restart
            time.sleep(0.2)
        gap_start = time.monotonic()
        cluster.stop()
        time.sleep(3)
        cluster.start()
        gap_end = time.monotonic()
        time.sleep(6)
    finally:
        stop.set()
        for thread in visitors:
            thread.join(30)

    statuses = sorted({answer.status for answer in answers})
    assert set(statuses) <= {200, 201, 302, 503}, statuses
    unavailable = [answer for answer in answers if answer.status == 503]
    assert unavailable, "no request fell in the gap: the restart was not noticed"
    assert all(gap_start - 0.5 <= answer.at <= gap_end + 2 for answer in unavailable), [
        (round(answer.at - gap_start, 2), answer.path) for answer in unavailable
    ]
    for answer in unavailable:
        assert "Traceback" not in answer.body and "OperationalError" not in answer.body
        if answer.path.startswith("/api/"):
            assert answer.body.startswith('{"detail": ') and '"errors": {}' in answer.body
        else:
            assert "Layanan sedang tidak tersedia sebentar" in answer.body
    after = [answer for answer in answers if answer.at > gap_end + 2]
    assert len(after) > 20 and all(answer.status in {200, 201, 302} for answer in after)
    before = [answer for answer in answers if answer.at < gap_start]
    assert before and all(answer.status in {200, 201, 302} for answer in before)
