"""Benchmark of the mailing-list fan-out: a release published to S subscribers by a Celery worker with N
processes, sending to a local aiosmtpd sink in its own process (tests/smtp_sink.py), against a baseline of N
processes sending the same rendered message with raw smtplib over one connection each, run before and after
the portal (the faster of the two counts). Prints both rates, their ratio (goal ≥ 0.6) and each worker
process's peak RSS per size (goal: flat from 10k to 100k).

    .venv/bin/python bench/fanout.py [--sizes 10000 100000] [--workers 4] [--smoke] [--keep]

Uses its own database humas_bench_mail (created and dropped) and Redis db 7; SMTP port in 8200–8299."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.common import PYTHON, bench_env, drop_database, fresh_database, manage  # noqa: E402
from tests.smtp_sink import free_port  # noqa: E402

DATABASE = "humas_bench_mail"
REDIS = "redis://127.0.0.1:6379/7"
QUEUE = "bench-fanout"


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen([PYTHON, "tests/smtp_sink.py", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready"
    return sink


def stop_sink(sink: subprocess.Popen) -> int:
    sink.send_signal(signal.SIGTERM)
    out, _ = sink.communicate(timeout=30)
    return int(out.strip().splitlines()[-1])


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def _raw_sender(args: tuple[int, int, int, bytes]) -> int:
    port, start, count, message = args
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=30)
    for n in range(start, start + count):
        smtp.sendmail("humas@localhost", [f"baseline{n}@media.example"], message)
    smtp.quit()
    return count


def _started(_n: int) -> int:
    time.sleep(0.2)
    return os.getpid()


def baseline(port: int, total: int, processes: int, message: bytes) -> float:
    share = total // processes
    jobs = [(port, i * share, share, message) for i in range(processes)]
    # fresh interpreters, not forks of this one: a fork inherits this process's Redis and PostgreSQL sockets,
    # and Celery's after-fork handlers in the child can block on them
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        ready: set[int] = set()
        while len(ready) < processes:  # every process has started before the clock does
            ready.update(pool.map(_started, range(processes), chunksize=1))
        started = time.perf_counter()
        sent = sum(pool.map(_raw_sender, jobs))
        elapsed = time.perf_counter() - started
    return sent / elapsed


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def load_subscribers(total: int) -> None:
    from django.db import connection

    from mailing.models import Subscriber

    table = Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
        cursor.execute(
            f"INSERT INTO {table} (name, email, phone, language, status, consent_note, bounce_count,"
            " created_at, updated_at) SELECT 'Jurnalis ' || g, 'j' || g || '@media.example', '', 'id',"
            " 'confirmed', '', 0, now(), now() FROM generate_series(1, %s) g",
            [total],
        )


def make_release():
    from django.utils import timezone

    from humas.models import Unit
    from releases.models import Release, Status

    unit, _ = Unit.objects.get_or_create(slug="bench", defaults={"name": "Biro Humas Bench"})
    return Release.objects.create(
        unit=unit, title=f"Siaran pers bench {time.time()}", slug=f"bench-{time.time_ns()}",
        summary="Ringkasan siaran pers untuk pengujian kecepatan. " * 4, status=Status.PUBLISHED,
        published_at=timezone.now(), contact_name="Bagian Humas", contact_email="humas@contoh.go.id",
    )  # fmt: skip


def rendered_message(release) -> bytes:
    """The portal's message to one subscriber, built the ordinary way (Django's MIME classes)."""
    from email.utils import make_msgid

    from mailing import release_mail, subscriptions

    rendered = release_mail.render(release, "id", "")
    email = release_mail.message(
        rendered, to="j1@media.example", name="Jurnalis 1", links=subscriptions.links(1, "id"),
        message_id=make_msgid(domain=subscriptions.list_id().strip("<>")), reply_to=release.contact_email,
    )  # fmt: skip
    return email.message().as_bytes(linesep="\r\n")


def wait_for_worker(app, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit("the Celery worker died")
        if app.control.ping(timeout=0.5):
            time.sleep(0.5)  # the pool's processes are forked just before the worker answers
            return
    raise SystemExit("the Celery worker did not start")


def fanout(total: int, workers: int, env: dict[str, str]) -> tuple[float, list[int], int]:
    from humas.celery import app
    from mailing.models import Dispatch, DispatchState

    load_subscribers(total)
    release = make_release()
    redis.Redis.from_url(REDIS).flushdb()  # the bench's own Redis db: no task of an earlier run is left queued
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "humas", "worker", "-Q", QUEUE, "--concurrency", str(workers),
         "--pool", "prefork", "--loglevel", "ERROR", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        app.conf.update(task_always_eager=False, task_default_queue=QUEUE)
        wait_for_worker(app, worker)  # the clock starts when the pool answers, as the baseline's starts with its pool
        started = time.perf_counter()
        item = Dispatch.objects.create(release=release)
        from mailing.tasks import coordinate_dispatch_task

        coordinate_dispatch_task.apply_async(args=[item.pk])
        while not Dispatch.objects.filter(pk=item.pk, state=DispatchState.DONE).exists():
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        rss = [peak_rss_kb(pid) for pid in children(worker.pid)]
        return total / elapsed, rss, item.pk
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="200 subscribers, 2 processes")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.workers, args.batch = [200], 2, 20
    fresh_database(DATABASE)
    port = free_port()
    env = bench_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}", REDIS_URL=REDIS,
        CACHE_KEY_PREFIX="humas-bench-mail", EMAIL_URL=f"smtp://127.0.0.1:{port}",
        CELERY_TASK_DEFAULT_QUEUE=QUEUE, DISPATCH_BATCH_SIZE=str(args.batch),
    )  # fmt: skip
    manage("migrate", "--noinput", env=env)
    setup_django(env)
    sink = start_sink(port)
    results = {}
    try:
        for size in args.sizes:
            from mailing.models import Delivery

            # the baseline runs before and after the portal, with the same message (the machine's speed drifts,
            # and right after a large dispatch it ran slower); the ratio is against the faster of the two
            message = rendered_message(make_release())
            before = baseline(port, size, args.workers, message)
            portal_rate, rss, dispatch_id = fanout(size, args.workers, env)
            sent = Delivery.objects.filter(dispatch_id=dispatch_id, status="sent").count()
            after = baseline(port, size, args.workers, message)
            base_rate = max(before, after)
            results[size] = {
                "portal_msgs_per_s": round(portal_rate, 1),
                "baseline_msgs_per_s": round(base_rate, 1),
                "baseline_before_after": [round(before, 1), round(after, 1)],
                "ratio": round(portal_rate / base_rate, 3),
                "worker_peak_rss_mb": [round(kb / 1024, 1) for kb in rss],
                "sent": sent,
                "message_bytes": len(message),
            }
            r = results[size]
            print(
                f"{size} subscribers, {args.workers} processes, batch {args.batch}: portal {r['portal_msgs_per_s']}"
                f" msg/s, raw smtplib {r['baseline_msgs_per_s']} msg/s (before/after: {r['baseline_before_after']}),"
                f" ratio: {r['ratio']} (goal ≥ 0.6);"
                f" worker peak RSS MB {r['worker_peak_rss_mb']}; {sent} rows sent",
                flush=True,
            )
    finally:
        received = stop_sink(sink)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(DATABASE)
    print(json.dumps({"sizes": results, "sink_received": received}))


if __name__ == "__main__":
    main()
