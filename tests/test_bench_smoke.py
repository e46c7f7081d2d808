"""The benchmarks stay runnable: each runs in its tiny smoke size (CI never runs them in full)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow  # each starts a benchmark's processes

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db(transaction=True)
def test_intake_benchmark_runs_and_every_201_stored_one_complaint():
    result = subprocess.run(
        [sys.executable, "bench/intake.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["baseline_insert_rps"] > 0 and figures["complaint_api_rps"] > 0
    # the warm-up's complaints are left out of the count, so the API's 201s match exactly
    assert figures["responses_201"] == figures["complaints_stored"] == figures["requests_per_round"]
    assert "ratio:" in result.stdout and "floor >= 0.30" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_recap_benchmark_runs_and_its_counts_match_the_loaded_reports():
    # a database of this checkout's own (named after its test database), never another checkout's bench run
    database = f"{connection.settings_dict['NAME']}_bench_recap"
    result = subprocess.run(
        [sys.executable, "bench/recap.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "BENCH_RECAP_DATABASE": database},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["sizes"] == [200, 2000]
    assert figures["counts_match"] == [True, True]
    pages = ("recap_month", "recap_year", "recap_xlsx", "dashboard_page", "dashboard_fragment", "compliance_month",
             "compliance_year", "compliance_xlsx")  # fmt: skip
    for page in pages:
        assert len(figures[f"{page}_ms"]) == 2 and all(ms > 0 for ms in figures[f"{page}_ms"])
        assert figures["ratios"][page] > 0
        assert all(statuses[page] == [200] for statuses in figures["statuses"])
    assert "ratio recap_month" in result.stdout


def test_fanout_benchmark_runs_and_every_subscriber_got_the_message():
    result = subprocess.run(
        [sys.executable, "bench/fanout.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    size = figures["sizes"]["200"]
    assert size["sent"] == 200 and size["portal_msgs_per_s"] > 0 and size["baseline_msgs_per_s"] > 0
    assert figures["sink_received"] == 600  # the portal's 200 and the baseline's 200 twice (before and after)
    assert "ratio:" in result.stdout
