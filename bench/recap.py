"""Benchmark: the recap page, the monitoring dashboard and the units' compliance page at 10,000 and then
1,000,000 complaints. Prints the median time of one request to each page at each size (gunicorn, 2 workers,
DEBUG off, PostgreSQL, Redis; requests one after another as the seeded humas admin, whose scope is every
unit) and the ratio large / small (goal ≤ 2: the pages read the summary counts, not every report).

The complaints are loaded with PostgreSQL's COPY (psycopg2 copy_expert), spread over the past 365 days
with statuses, channels and timestamps that age like real ones (deadlines at 23:59:59 of a day in the unit's
calendar, as humas.dates.deadline sets them); the summaries are then rebuilt with `manage.py rebuild_recap`,
the same command a repair uses.

    .venv/bin/python bench/recap.py            # 10,000 then 1,000,000
    .venv/bin/python bench/recap.py --smoke    # 200 then 2,000, for CI

The database is `humas_bench_recap` unless BENCH_RECAP_DATABASE names another (the test suite gives each
checkout its own, so runs side by side do not drop each other's); Redis db 4 unless BENCH_RECAP_REDIS_URL.
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
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Gunicorn, bench_env, drop_database, fresh_database, manage

DATABASE = os.environ.get("BENCH_RECAP_DATABASE", "humas_bench_recap")
REDIS_URL = os.environ.get("BENCH_RECAP_REDIS_URL", "redis://127.0.0.1:6379/4")
CHUNK = 50_000

COLUMNS = (
    "created_at", "updated_at", "tracking_digest", "kind", "unit_id", "title", "description", "location", "channel",
    "reporter_name", "reporter_email", "reporter_phone", "identity_mode", "visibility", "language", "status",
    "verification_due_at", "response_due_at", "resolution_due_at", "resolved_at", "closed_at", "rating",
    "rating_comment", "rated_at", "reopen_count", "reject_reason", "verified_at", "first_response_at",
)  # fmt: skip

KINDS = ["complaint"] * 7 + ["aspiration"] * 2 + ["information_request"]
CHANNELS = ["web"] * 12 + ["whatsapp"] * 3 + ["phone"] * 2 + ["email", "api", "letter", "walk_in", "social_media"]
# the status a report ends in, by its age
FRESH = ["new"] * 12 + ["verified"] * 4 + ["in_progress"] * 3 + ["rejected"]
MONTH = ["new"] + ["verified"] * 2 + ["in_progress"] * 8 + ["waiting_reporter"] + ["resolved"] * 5 + ["closed"] * 2
MONTH += ["rejected"]
OLD = ["closed"] * 75 + ["resolved"] * 5 + ["rejected"] * 12 + ["in_progress"] * 6 + ["waiting_reporter"] * 2
TITLES = [
    "Jalan berlubang di depan pasar", "Lampu jalan padam", "Antrean layanan terlalu panjang",
    "Permohonan salinan anggaran", "Pungutan di luar tarif resmi", "Saluran air tersumbat",
]  # fmt: skip


def _ts(value: datetime | None) -> str:
    return r"\N" if value is None else value.isoformat()


def end_of_day(moment: datetime, zone: ZoneInfo) -> datetime:
    """A deadline as the portal sets them: 23:59:59 of that day in the unit's calendar."""
    return datetime.combine(moment.astimezone(zone).date(), day_time(23, 59, 59), tzinfo=zone)


def complaint_rows(rng: random.Random, units: list[tuple[int, ZoneInfo]], start: int, count: int, now: datetime):
    """`count` rows in COPY text format, tracking digests numbered from `start`."""
    for number in range(start, start + count):
        age = rng.random() * 365
        created = now - timedelta(days=age)
        unit_id, zone = rng.choice(units)
        status = rng.choice(FRESH if age < 3 else MONTH if age < 30 else OLD)
        verified = resolved = closed = rated = first_response = None
        rating = None
        if status not in ("new", "rejected"):
            verified = min(created + timedelta(days=rng.uniform(0.05, 5)), now)
            first_response = min(verified + timedelta(days=rng.uniform(0, 4)), now)
        if status in ("resolved", "closed"):
            resolved = min(verified + timedelta(days=rng.uniform(0.5, 25)), now)
        if status == "closed":
            closed = min(resolved + timedelta(days=rng.uniform(0.5, 14)), now)
            if rng.random() < 0.6:
                rating, rated = rng.randint(1, 5), closed
        resolution_due = end_of_day(verified + timedelta(days=20), zone) if verified else None
        verify_due = end_of_day(created + timedelta(days=4), zone)
        response_due = end_of_day(created + timedelta(days=7), zone)
        values = (
            _ts(created), _ts(created), f"B{number:063d}", rng.choice(KINDS), str(unit_id),
            rng.choice(TITLES), "Uraian laporan untuk pengukuran.", "", rng.choice(CHANNELS), "", "", "",
            "anonymous", "public", "id", status, _ts(verify_due), _ts(response_due),
            _ts(resolution_due), _ts(resolved), _ts(closed), r"\N" if rating is None else str(rating), "",
            _ts(rated), "0", "spam" if status == "rejected" else "", _ts(verified), _ts(first_response),
        )  # fmt: skip
        yield "\t".join(values) + "\n"


def copy_complaints(count: int, start: int, seed: int) -> float:
    """COPY `count` complaints into the bench database; returns the seconds it took."""
    import psycopg2

    began = time.perf_counter()
    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=DATABASE)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT id, time_zone FROM humas_unit ORDER BY id")
        units = [(unit_id, ZoneInfo(zone)) for unit_id, zone in cursor.fetchall()]
        sql = f"COPY complaints_complaint ({', '.join(COLUMNS)}) FROM STDIN"
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            buffer = io.StringIO("".join(complaint_rows(rng, units, start + done, size, now)))
            cursor.copy_expert(sql, buffer)
            done += size
    conn.close()
    return time.perf_counter() - began


def analyze() -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=DATABASE)
    conn.autocommit = True
    with conn.cursor() as cursor:
        for table in ("complaint", "recapcount", "duecount", "handlingtime"):
            cursor.execute(f"VACUUM ANALYZE complaints_{table}")
    conn.close()


# after `manage.py rebuild_recap`: the summary rows, the reports they count (the daily totals) and the reports
COUNTED = (
    "from django.db.models import Sum\n"
    "from complaints.models import Complaint, DueCount, HandlingTime, RecapCount\n"
    "rows = RecapCount.objects.count() + DueCount.objects.count() + HandlingTime.objects.count()\n"
    "total = RecapCount.objects.filter(grain='d', kind='', status='', channel='').aggregate(n=Sum('count'))['n']\n"
    "print(rows, total, Complaint.objects.count())\n"
)

SESSION = (
    "from importlib import import_module\n"
    "from django.conf import settings\n"
    "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model\n"
    "user = get_user_model().objects.get(username='admin')\n"
    "store = import_module(settings.SESSION_ENGINE).SessionStore()\n"
    "store[SESSION_KEY] = str(user.pk)\n"
    "store[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
    "store[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
    "store.create()\n"
    "print(settings.SESSION_COOKIE_NAME, store.session_key)\n"
)

PAGES = {
    "recap_month": "/staf/pengaduan/rekap/",
    "recap_year": "/staf/pengaduan/rekap/?periode=tahun&tahun={year}",
    "recap_xlsx": "/staf/pengaduan/rekap/?format=xlsx",
    "dashboard_page": "/staf/",
    "dashboard_fragment": "/staf/pengaduan/dasbor/",
    "compliance_month": "/staf/kepatuhan/",
    "compliance_year": "/staf/kepatuhan/?periode=tahun&tahun={year}",
    "compliance_xlsx": "/staf/kepatuhan/?periode=tahun&tahun={year}&format=xlsx",
}


def timed(port: int, path: str, headers: dict[str, str], requests: int) -> tuple[float, dict[int, int]]:
    """Median milliseconds of `requests` GETs sent one after another over one keep-alive connection (the
    median shrugs off the odd slow request on a shared machine), and the statuses seen."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    samples, statuses = [], {}
    for _ in range(requests):
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        samples.append(time.perf_counter() - began)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    return round(statistics.median(samples) * 1000, 2), statuses


def measure(env: dict[str, str], cookie: str, requests: int) -> tuple[dict[str, float], dict[str, dict]]:
    """Median milliseconds per request for each page, after a warm-up."""
    year = datetime.now(UTC).year
    server = Gunicorn(env, workers=2)
    times, statuses = {}, {}
    try:
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        for name, path in PAGES.items():
            path = path.format(year=year)
            timed(server.port, path, headers, max(3, requests // 5))  # warm-up
            times[name], statuses[name] = timed(server.port, path, headers, requests)
    finally:
        server.stop()
    return times, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes for CI")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to explain queries)")
    args = parser.parse_args()
    if args.smoke:
        args.small, args.large, args.requests = 200, 2_000, 5

    env = bench_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"humas-bench-recap-{DATABASE}",
    )
    fresh_database(DATABASE)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", env=env)
    # only the bench's own reports: the demo's few dozen would make the small size less small
    manage("shell", "-c", "from complaints.models import Complaint; Complaint.objects.all().delete()", env=env)
    name, key = manage("shell", "-c", SESSION, env=env).strip().splitlines()[-1].split()
    cookie = f"{name}={key}"

    results: dict[str, list] = {"sizes": [], "load_seconds": [], "rebuild_seconds": [], "summary_rows": []}
    ok = True
    loaded = 0
    for size in (args.small, args.large):
        took = copy_complaints(size - loaded, loaded, seed=size)
        loaded = size
        began = time.perf_counter()
        manage("rebuild_recap", env=env)
        rebuild_took = time.perf_counter() - began
        rows, total, stored = manage("shell", "-c", COUNTED, env=env).strip().splitlines()[-1].split()
        analyze()
        counts_match = int(total) == int(stored) == size
        ok &= counts_match
        times, statuses = measure(env, cookie, args.requests)
        ok &= all(set(seen) == {200} for seen in statuses.values())
        results["sizes"].append(size)
        results["load_seconds"].append(round(took, 1))
        results["rebuild_seconds"].append(round(rebuild_took, 1))
        results["summary_rows"].append(int(rows))
        results.setdefault("counts_match", []).append(counts_match)
        results.setdefault("statuses", []).append({name: sorted(seen) for name, seen in statuses.items()})
        for page, ms in times.items():
            results.setdefault(f"{page}_ms", []).append(ms)
        print(f"{size:>9,} complaints: COPY {took:6.1f} s, rebuild {float(rebuild_took):5.1f} s, "
              f"{int(rows):,} summary rows, counts {'match' if counts_match else 'DIFFER'}")  # fmt: skip
        for page, ms in times.items():
            print(f"    {page:<20} {ms:8.2f} ms per request")

    results["ratios"] = {page: round(results[f"{page}_ms"][1] / results[f"{page}_ms"][0], 2) for page in PAGES}
    results["goal"] = 2.0
    for page, ratio in results["ratios"].items():
        print(f"ratio {page:<20} {ratio:6.2f}  (goal <= 2)")
    print(json.dumps(results))
    return 0 if ok else 1


def main_and_clean_up() -> int:
    keep = "--keep" in sys.argv
    try:
        return main()
    finally:
        if not keep:
            drop_database(DATABASE)


if __name__ == "__main__":
    raise SystemExit(main_and_clean_up())
