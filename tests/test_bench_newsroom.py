"""The newsroom benchmark runs (a one-second smoke round against the test database); its figures are
only meaningful in a full run: `.venv/bin/python bench/newsroom.py`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow  # each starts a benchmark's processes

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_the_newsroom_benchmark_runs_and_prints_both_rates_and_the_ratios(unit_tree):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "humas-test") + "-bench",
    }
    result = subprocess.run(
        [sys.executable, "bench/newsroom.py", "--smoke", "--no-setup", "--port", "8150"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "minimal view (baseline)" in result.stdout
    assert result.stdout.count("ratio") == 2, result.stdout
