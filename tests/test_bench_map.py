"""The map benchmark runs in its smoke size (200 then 2,000 reports); its figures mean something only in a full
run: `.venv/bin/python bench/map.py`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow  # it starts gunicorn

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db(transaction=True)
def test_the_map_benchmark_runs_and_every_view_answers_the_same_features_cold_and_warm():
    database = f"{connection.settings_dict['NAME']}_bench_map"  # this checkout's own
    result = subprocess.run(
        [sys.executable, "bench/map.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "BENCH_MAP_DATABASE": database},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["sizes"] == [200, 2000]
    for counts in figures["features"]:
        assert counts["city_cold"] == counts["city_warm"] > 0
        assert counts["street_cold"] == counts["street_warm"]
    for view in ("street_cold", "street_warm", "city_cold", "city_warm"):
        assert all(ms > 0 for ms in figures[f"{view}_ms"]) and figures["ratios"][view] > 0
    assert "ratio city_cold" in result.stdout
