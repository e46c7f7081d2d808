"""bench/load.py stays runnable: its smoke size (6 users, 12 s, Redis stopped for 3 s) answers no server
error and stores every report it accepted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[1]


def test_load_benchmark_with_a_redis_outage_runs_without_server_errors_and_stores_every_accepted_report():
    database = f"{connection.settings_dict['NAME']}_bench_load"  # this checkout's own
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "BENCH_LOAD_DATABASE": database},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["requests"] > 10 and figures["server_errors"] == 0
    assert figures["accepted"] >= 1 and figures["stored"] == figures["accepted"]
    assert "p95 ms" in result.stdout
