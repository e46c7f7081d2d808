"""Benchmark: mixed load with a Redis outage. USERS simulated users for SECONDS seconds against gunicorn (2
workers, DEBUG off), a Celery worker and beat, all on a redis-server of the benchmark's own that it stops for
OUTAGE seconds in the middle, and an SMTP sink: citizens file reports (API and web form) and track them,
readers browse the newsroom and its feeds, staff work the queue. Prints the requests, the 5xx count
(goal: 0), p50/p95 latency per page, the reports answered 201 against the reports stored (goal: equal) and
the receipts that reached the SMTP sink once Redis was back.

    .venv/bin/python bench/load.py            # 50 users, 60 s, Redis stopped for 10 s from second 25
    .venv/bin/python bench/load.py --smoke    # a few users for a few seconds, for CI
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PYTHON, ROOT, Gunicorn, bench_env, free_port, fresh_database, manage

DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "humas_bench_load")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
STAFF_PASSWORD = "bench-Load-2026!"  # noqa: S105 (the benchmark's own throwaway account)
UNIT = "kanwil-nusa-tengah"


class Redis:
    """A redis-server of the benchmark's own, without persistence, stopped and started on the same port."""

    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Record:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)  # 5xx and no answer at all
        self.statuses: dict[int, int] = defaultdict(int)
        self.accepted = 0  # reports answered 201 (API) or 302 to the receipt (form)
        self.codes: list[str] = []

    def add(self, page: str, started: float, status: int) -> None:
        with self.lock:
            self.latencies[page].append((time.perf_counter() - started) * 1000)
            self.statuses[status] += 1
            if status == 0 or status >= 500:
                self.errors[page] += 1


def report_fields(n: int) -> dict[str, str]:
    return {
        "kind": "complaint", "unit": UNIT, "title": f"Lampu jalan padam di gang nomor {n}",
        "description": "Lampu penerangan jalan di gang depan sekolah padam sejak seminggu, gelap pada malam hari.",
        "identity_mode": "named", "reporter_name": "Sari Dewi", "reporter_email": f"warga{n}@bench.test",
        "visibility": "public", "consent": "true",
    }  # fmt: skip


def call(session: requests.Session, record: Record, page: str, method: str, url: str, **kwargs):
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
    except requests.RequestException:
        record.add(page, started, 0)
        return None
    record.add(page, started, response.status_code)
    return response


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(rf'value="([^"]*)" name="{name}"', html)
    return match.group(1) if match else ""


def citizen(base: str, record: Record, until: float, n: int, counter) -> None:
    session = requests.Session()
    while time.monotonic() < until:
        choice = random.random()
        if choice < 0.45:
            response = call(session, record, "POST /api/v1/complaints/", "POST", f"{base}/api/v1/complaints/",
                            json=report_fields(next(counter)))  # fmt: skip
            if response is not None and response.status_code == 201:
                with record.lock:
                    record.accepted += 1
                    record.codes.append(response.json()["tracking_code"])
        elif choice < 0.6:
            form = call(session, record, "GET /pengaduan/", "GET", f"{base}/pengaduan/")
            if form is not None and form.status_code == 200:
                data = {**report_fields(next(counter)), "consent": "on", "website": "",
                        "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
                        "started": hidden(form.text, "started")}  # fmt: skip
                sent = call(session, record, "POST /pengaduan/", "POST", f"{base}/pengaduan/", data=data)
                if sent is not None and sent.status_code == 302:
                    with record.lock:
                        record.accepted += 1
        elif record.codes:
            code = random.choice(record.codes)
            call(session, record, "GET /api/v1/complaints/<code>/", "GET", f"{base}/api/v1/complaints/{code}/")
        else:
            call(session, record, "GET /pengaduan/lacak/", "GET", f"{base}/pengaduan/lacak/")
        time.sleep(random.uniform(0.2, 1.0))


def reader(base: str, record: Record, until: float, slugs: list[str]) -> None:
    session = requests.Session()
    session.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36"
    paths = ["/", "/siaran-pers/", "/siaran-pers/rss/", "/siaran-pers/feed.json", "/pengaduan/publik/"]
    while time.monotonic() < until:
        if slugs and random.random() < 0.35:
            call(session, record, "GET /siaran-pers/<slug>/", "GET", f"{base}/siaran-pers/{random.choice(slugs)}/")
        else:
            path = random.choice(paths)
            call(session, record, f"GET {path}", "GET", base + path)
        time.sleep(random.uniform(0.2, 1.0))


def staff(base: str, record: Record, until: float) -> None:
    session = requests.Session()
    login = session.get(f"{base}/staf/masuk/", timeout=30)
    session.post(f"{base}/staf/masuk/", timeout=30, allow_redirects=False, data={
        "username": "petugas", "password": STAFF_PASSWORD,
        "csrfmiddlewaretoken": hidden(login.text, "csrfmiddlewaretoken")})  # fmt: skip
    while time.monotonic() < until:
        queue = call(session, record, "GET /staf/pengaduan/", "GET", f"{base}/staf/pengaduan/")
        if queue is not None and queue.status_code == 200:
            ids = re.findall(r'href="/staf/pengaduan/(\d+)/"', queue.text)
            if ids:
                call(
                    session, record, "GET /staf/pengaduan/<id>/", "GET", f"{base}/staf/pengaduan/{random.choice(ids)}/"
                )
        time.sleep(random.uniform(0.5, 1.5))


def numbers():
    lock, n = threading.Lock(), [0]

    class Counter:
        def __next__(self):
            with lock:
                n[0] += 1
                return n[0]

    return Counter()


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--outage-at", type=float, default=25)
    parser.add_argument("--outage", type=float, default=10)
    args = parser.parse_args()
    if args.smoke:
        args.users, args.seconds, args.outage_at, args.outage = 6, 12, 4, 3

    redis = Redis(free_port())
    redis.start()
    sink_port = free_port()
    queue = f"bench-load-{os.getpid()}"
    env = bench_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{sink_port}",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        COMPLAINT_FORM_MIN_SECONDS="0",  # simulated citizens type fast
    )
    fresh_database(DATABASE)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", env=env)
    setup = (
        "from django.contrib.auth import get_user_model\n"
        "from complaints.models import Complaint\n"
        "from releases.models import Release\n"
        f"u = get_user_model().objects.get(username='petugas'); u.set_password({STAFF_PASSWORD!r}); u.save()\n"
        "print(Complaint.objects.count())\n"
        "print(','.join(Release.objects.filter(status='published').values_list('slug', flat=True)[:20]))\n"
    )
    lines = manage("shell", "-c", setup, env=env).strip().splitlines()
    before, slugs = int(lines[-2]), [s for s in lines[-1].split(",") if s]
    sink = subprocess.Popen([PYTHON, "tests/smtp_sink.py", str(sink_port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()  # "ready"
    schedule = str(Path(tempfile.gettempdir()) / f"{queue}-beat")
    helpers = [
        subprocess.Popen([PYTHON, "-m", "celery", "-A", "humas", *command, "--loglevel", "ERROR"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for command in (["worker", "-Q", queue, "--concurrency", "1", "--without-gossip", "--without-mingle",
                         "--without-heartbeat"], ["beat", "--schedule", schedule])
    ]  # fmt: skip
    server = Gunicorn(env, workers=2)
    record = Record()
    base = f"http://127.0.0.1:{server.port}"
    try:
        started = time.monotonic()
        until = started + args.seconds
        counter = numbers()
        citizens = max(1, args.users * 3 // 10)
        staff_users = max(1, args.users // 5)
        readers = max(1, args.users - citizens - staff_users)
        threads = [threading.Thread(target=citizen, args=(base, record, until, i, counter)) for i in range(citizens)]
        threads += [threading.Thread(target=reader, args=(base, record, until, slugs)) for _ in range(readers)]
        threads += [threading.Thread(target=staff, args=(base, record, until)) for _ in range(staff_users)]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, started + args.outage_at - time.monotonic()))
        redis.stop()
        time.sleep(args.outage)
        redis.start()
        for thread in threads:
            thread.join()
        check = (
            "from complaints.models import Complaint\nfrom humas.models import OutboxEmail\n"
            "print(Complaint.objects.count())\n"
            "print(OutboxEmail.objects.filter(key__startswith='complaint-receipt:').exclude(status='sent').count())\n"
        )
        deadline = time.monotonic() + (30 if args.smoke else 90)  # beat's sweep sends what waited
        while True:
            stored, unsent = (int(x) for x in manage("shell", "-c", check, env=env).strip().splitlines()[-2:])
            if unsent == 0 or time.monotonic() > deadline:
                break
            time.sleep(3)
    finally:
        server.stop()
        for process in helpers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
        sink.send_signal(signal.SIGTERM)
        received = int((sink.communicate(timeout=20)[0] or "0").strip().splitlines()[-1])
        redis.stop()

    stored -= before
    total = sum(record.statuses.values())
    server_errors = sum(record.errors.values())
    print(f"{args.users} users for {args.seconds:.0f} s, Redis stopped from {args.outage_at:.0f} s for "
          f"{args.outage:.0f} s")  # fmt: skip
    print(f"{'page':<34} {'requests':>8} {'5xx':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for page in sorted(record.latencies):
        values = record.latencies[page]
        print(f"{page:<34} {len(values):>8} {record.errors[page]:>5} {percentile(values, 50):>8.1f} "
              f"{percentile(values, 95):>8.1f}")  # fmt: skip
    print(f"requests: {total}, server errors (5xx or no answer): {server_errors}")
    print(f"reports accepted: {record.accepted}, stored: {stored}, receipts not yet sent: {unsent}, "
          f"messages at the SMTP sink: {received}")  # fmt: skip
    figures = {
        "users": args.users, "seconds": args.seconds, "requests": total, "server_errors": server_errors,
        "statuses": {str(k): v for k, v in sorted(record.statuses.items())}, "accepted": record.accepted,
        "stored": stored, "receipts_unsent": unsent, "sink_received": received,
        "pages": {page: {"requests": len(v), "errors": record.errors[page], "p50_ms": round(percentile(v, 50), 1),
                         "p95_ms": round(percentile(v, 95), 1)} for page, v in sorted(record.latencies.items())},
    }  # fmt: skip
    print(json.dumps(figures))
    return 0 if server_errors == 0 and stored == record.accepted else 1


if __name__ == "__main__":
    raise SystemExit(main())
