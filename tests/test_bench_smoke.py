"""The benchmarks stay runnable: each runs in its tiny smoke size (CI never runs them in full)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db(transaction=True)
def test_intake_benchmark_runs_and_every_201_stored_one_complaint():
    result = subprocess.run(
        [sys.executable, "bench/intake.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["baseline_insert_rps"] > 0 and figures["complaint_api_rps"] > 0
    assert figures["responses_201"] == figures["complaints_stored"] == figures["requests_per_round"]
    assert "ratio:" in result.stdout
