"""Benchmark: the public map's bounding-box endpoint at 1,000 and then 100,000 public reports in one city.
Prints the median time of one request at each size (gunicorn, 2 workers, DEBUG off, PostgreSQL, Redis;
requests one after another) for four views and the ratio large / small (goal ≤ 2: the map asks only for its
visible area, capped, clustered at low zoom, cached):

- `street_cold` / `street_warm`: a street-level view (zoom 16, about 500 m across), one point per report;
- `city_cold` / `city_warm`: the whole city (zoom 11), reports counted per grid cell;

warm repeats one request (the cached answer); cold makes every request miss the cache with the same reports
in the answer (see `paths`).

The reports are loaded with PostgreSQL's COPY, spread over a 33 km square around Mataram, verified, in progress
or resolved, all public, over the past year; `manage.py rebuild_recap` then counts them into the summaries (the
map's per-cell counts among them), as after an import.

    .venv/bin/python bench/map.py            # 1,000 then 100,000
    .venv/bin/python bench/map.py --smoke    # 200 then 2,000, for CI

The database is `humas_bench_map` unless BENCH_MAP_DATABASE names another; Redis db 4 unless BENCH_MAP_REDIS_URL.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Gunicorn, bench_env, drop_database, fresh_database, manage

DATABASE = os.environ.get("BENCH_MAP_DATABASE", "humas_bench_map")
REDIS_URL = os.environ.get("BENCH_MAP_REDIS_URL", "redis://127.0.0.1:6379/4")
CHUNK = 50_000
CITY = (116.0, -8.7, 116.3, -8.4)  # west, south, east, north
STREET_SPAN = 0.005  # degrees: about 550 m, a phone's view at zoom 16

COLUMNS = (
    "created_at", "updated_at", "tracking_digest", "kind", "unit_id", "title", "description", "location", "channel",
    "reporter_name", "reporter_email", "reporter_phone", "identity_mode", "visibility", "language", "status",
    "reopen_count", "reject_reason", "rating_comment", "latitude", "longitude",
)  # fmt: skip
STATUSES = ["verified"] * 3 + ["in_progress"] * 3 + ["resolved"] * 2 + ["closed"] * 2
TITLES = ["Lampu jalan padam", "Jalan berlubang", "Saluran air tersumbat", "Sampah menumpuk", "Pohon tumbang"]

BUMP = "from complaints.public import mapdata; mapdata.bump_version()"
UNIT = (
    "from humas.models import Unit\n"
    "unit, _ = Unit.objects.get_or_create(slug='kota', defaults={'name': 'Pemerintah Kota'})\n"
    "print(unit.pk)\n"
)


def rows(rng: random.Random, unit_id: int, start: int, count: int, now: datetime):
    west, south, east, north = CITY
    for number in range(start, start + count):
        created = now - timedelta(days=rng.random() * 365)
        values = (
            created.isoformat(), created.isoformat(), f"M{number:063d}", "complaint", str(unit_id),
            rng.choice(TITLES), "Uraian laporan untuk pengukuran.", "", "web", "", "", "", "anonymous", "public",
            "id", rng.choice(STATUSES), "0", "", "",
            f"{rng.uniform(south, north):.6f}", f"{rng.uniform(west, east):.6f}",
        )  # fmt: skip
        yield "\t".join(values) + "\n"


def copy_reports(count: int, start: int, unit_id: int, seed: int) -> float:
    import psycopg2

    began = time.perf_counter()
    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=DATABASE)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with conn, conn.cursor() as cursor:
        sql = f"COPY complaints_complaint ({', '.join(COLUMNS)}) FROM STDIN"
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            cursor.copy_expert(sql, io.StringIO("".join(rows(rng, unit_id, start + done, size, now))))
            done += size
    with conn.cursor() as cursor:
        conn.autocommit = True
        cursor.execute("VACUUM ANALYZE complaints_complaint")
    conn.close()
    return time.perf_counter() - began


def paths(view: str, requests: int, start: int = 0) -> list[str]:
    """The requests of one view: the same URL for a warm view; for a cold one, URLs that each miss the cache yet
    read the same reports. The city view is the city with a margin of 0.25°, moved by whole cells of its grid
    (a different key, the same reports inside); the street view asks for reports from a day long before any
    report, a different day each time (the street view counts from the reports in any case)."""
    west, south, east, north = CITY
    if view.startswith("city"):
        cell, zoom, margin = 360 / 2**11 / 4, 11, 0.25
        shifts = [(dx, dy) for dx in range(-4, 5) for dy in range(-4, 5)]
        if view.endswith("warm"):
            shifts = [(0, 0)] * len(shifts)
        boxes = [(west - margin + dx * cell, south - margin + dy * cell, east + margin + dx * cell,
                  north + margin + dy * cell) for dx, dy in shifts]  # fmt: skip
        picked = [boxes[(start + i) % len(boxes)] for i in range(requests)]
        template = "/pengaduan/peta/data.geojson?bbox={:.5f},{:.5f},{:.5f},{:.5f}&zoom={}"
        return [template.format(*box, zoom) for box in picked]
    x, y = 116.15, -8.58
    url = f"/pengaduan/peta/data.geojson?bbox={x:.5f},{y:.5f},{x + STREET_SPAN:.5f},{y + STREET_SPAN:.5f}&zoom=16"
    if view.endswith("warm"):
        return [url] * requests
    first = date(1990, 1, 1)
    return [f"{url}&dari={first + timedelta(days=start + i + 1000):%Y-%m-%d}" for i in range(requests)]


def timed(port: int, urls: list[str]) -> tuple[float, dict[int, int], int]:
    """Median milliseconds of the GETs, one after another on one keep-alive connection; statuses; features of
    the last answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    samples, statuses, last = [], {}, b""
    for url in urls:
        began = time.perf_counter()
        conn.request("GET", url, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        last = response.read()
        samples.append(time.perf_counter() - began)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    features = len(json.loads(last)["features"]) if statuses.get(200) else 0
    return round(statistics.median(samples) * 1000, 2), statuses, features


VIEWS = ("street_cold", "street_warm", "city_cold", "city_warm")


def measure(env: dict[str, str], requests: int) -> tuple[dict, dict, dict]:
    server = Gunicorn(env, workers=2)
    times, statuses, counts = {}, {}, {}
    try:
        for view in VIEWS:
            # warm-up: the workers' first requests, and for a cold view other boxes than the measured ones
            timed(server.port, paths(view, max(3, requests // 5), start=requests))
            times[view], statuses[view], counts[view] = timed(server.port, paths(view, requests))
    finally:
        server.stop()
    return times, statuses, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes for CI")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    if args.smoke:
        args.small, args.large, args.requests = 200, 2_000, 5

    env = bench_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"humas-bench-map-{DATABASE}",
    )
    fresh_database(DATABASE)
    manage("migrate", "--noinput", "-v0", env=env)
    unit_id = int(manage("shell", "-c", UNIT, env=env).strip().splitlines()[-1])
    results: dict[str, list] = {"sizes": [], "load_seconds": []}
    ok = True
    loaded = 0
    for size in (args.small, args.large):
        took = copy_reports(size - loaded, loaded, unit_id, seed=size)
        loaded = size
        manage("rebuild_recap", env=env)  # the summaries, the map's cell counts among them, from the loaded reports
        manage("shell", "-c", BUMP, env=env)  # as a status change would: the last size's answers go stale
        times, statuses, counts = measure(env, args.requests)
        ok &= all(set(seen) == {200} for seen in statuses.values())
        results["sizes"].append(size)
        results["load_seconds"].append(round(took, 1))
        results.setdefault("statuses", []).append({view: sorted(seen) for view, seen in statuses.items()})
        results.setdefault("features", []).append(counts)
        print(f"{size:>9,} reports: COPY {took:6.1f} s")
        for view, ms in times.items():
            results.setdefault(f"{view}_ms", []).append(ms)
            print(f"    {view:<12} {ms:8.2f} ms per request ({counts[view]} features)")
    results["ratios"] = {view: round(results[f"{view}_ms"][1] / results[f"{view}_ms"][0], 2) for view in VIEWS}
    results["goal"] = 2.0
    for view, ratio in results["ratios"].items():
        print(f"ratio {view:<12} {ratio:6.2f}  (goal <= 2)")
    print(json.dumps(results))
    return 0 if ok else 1


def main_and_clean_up() -> int:
    try:
        return main()
    finally:
        drop_database(DATABASE)


if __name__ == "__main__":
    raise SystemExit(main_and_clean_up())
