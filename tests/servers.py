"""Processes the cross-app tests start: gunicorn with production settings, PgBouncer in transaction pooling
mode in front of the test database, and the free ports they listen on."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], port: int = 0) -> Iterator[ThreadingHTTPServer]:
    """A local HTTP server in a thread for what the portal fetches from outside (tiles, place names, feeds);
    it polls for shutdown every 50 ms, so stopping it costs no half-second per test."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A port where nothing listens: a dead broker, cache or SMTP server for the tests that need one."""
    return free_port()


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                pytest.fail(f"{what} did not start: {output}")
            time.sleep(0.2)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A bare environment with production values: the test run's own knobs (HTTPS=false and the like) must
    not leak into the process."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="humas.settings",
        DEBUG="false",
        SECRET_KEY="prod-" + "q7Zr0x" * 10,
        ALLOWED_HOSTS="humas.example.go.id,127.0.0.1",
        SITE_URL="https://humas.example.go.id",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/humas"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        HUMAS_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(extra)
    return env


def collect_static(env: dict[str, str]) -> None:
    """collectstatic for a production-settings server (WhiteNoise's manifest needs it)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def gunicorn(env: dict[str, str], *, workers: int = 1, log: Path | None = None) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free port; its output goes to `log` (a file, for long runs) or a pipe."""
    port = free_port()
    output = log.open("wb") if log else subprocess.PIPE
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "humas.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(port, server, "gunicorn")
    return server, port


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if not found:
        pytest.fail("PgBouncer is not installed: run scripts/services (or apt-get install pgbouncer).")
    return found


def pgbouncer(tmp_path: Path, *, pool_size: int = 4) -> tuple[subprocess.Popen, int]:
    """PgBouncer in transaction pooling mode in front of the local PostgreSQL (every database name), with a
    small pool so that clients really share server connections between transactions."""
    port = free_port()
    folder = tmp_path / "pgbouncer"
    folder.mkdir()
    config = folder / "pgbouncer.ini"
    config.write_text(
        "[databases]\n* = host=127.0.0.1 port=5432 user=postgres\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\npool_mode = transaction\n"
        f"default_pool_size = {pool_size}\nmax_client_conn = 500\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    command = [pgbouncer_binary(), str(config)]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]  # PgBouncer refuses to run as root
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # it logs to stderr
    wait_for_port(port, process, "PgBouncer")
    return process, port
