"""Newsroom benchmark: the release list and a release page against a minimal Django view, on the same
gunicorn (2 sync workers, DEBUG off) with PostgreSQL and Redis, measured in the same run.

    .venv/bin/python bench/newsroom.py              # full run (about a minute)
    .venv/bin/python bench/newsroom.py --smoke      # a second per target: does it run at all (CI)

Environment: DATABASE_URL and REDIS_URL (defaults: a database `humas_bench_newsroom`, created if missing, on
the local PostgreSQL, and the local Redis). The database is
migrated and, when it has fewer published releases than --releases, filled with generated ones (with a
photo each). Prints requests per second for the baseline and each page, and each page's ratio to the
baseline (the goal is ≥ 0.75).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HUMAN_AGENT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130 Mobile Safari/537.36"
GOAL = 0.75
DEFAULT_DATABASE = "humas_bench_newsroom"  # its own database unless DATABASE_URL names one


def ensure_database(url: str) -> None:
    """Create the benchmark's database if it does not exist yet (a fresh machine has none)."""
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                            user=parts.username or "postgres", dbname="postgres")  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def environment(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="bench-" + "k3Yv9q" * 10,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=os.environ.get("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DATABASE}"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        CACHE_KEY_PREFIX=os.environ.get("CACHE_KEY_PREFIX", "humas-bench"),
        HUMAS_VAR_DIR=var_dir,
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


FILL = """
import sys
from django.contrib.auth import get_user_model
from humas.models import Unit
from releases import images, publishing
from releases.models import Release
from releases.demo import demo_photo
wanted = int(sys.argv[-1])
have = Release.objects.public().count()
unit = Unit.objects.order_by("pk").first() or Unit.objects.create(name="Biro Humas Bench", slug="bench")
admin = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
    "bench-admin", "bench@example.invalid", None)
for n in range(have, wanted):
    r = publishing.create_release(unit=unit, by=admin, data={"title": f"Rilis uji beban nomor {n}",
        "summary": "Ringkasan rilis untuk uji beban.", "body": "<p>Isi.</p>" * 20, "dateline": "JAKARTA"},
        tags=[f"tag {n % 7}", "uji"])
    photo = images.add_photo(r, upload=demo_photo(n, r.title), by=admin, caption="Teks foto", credit="Humas")
    images.make_renditions(photo.pk)
    publishing.submit(r, by=admin); publishing.approve(r, by=admin); publishing.publish(r, by=admin)
print(Release.objects.public().order_by("-published_at").values_list("slug", flat=True).first())
"""


def free_port(preferred: int) -> int:
    for port in range(preferred, 8200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    sys.exit("no free port between 8100 and 8199")


def hammer(port: int, path: str, seconds: float, out: multiprocessing.Queue) -> None:
    """One client: sequential GETs (a new connection each, as gunicorn's sync workers close them)."""
    done, failed = 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path, headers={"User-Agent": HUMAN_AGENT, "Accept-Language": "id"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
        finally:
            conn.close()
    out.put((done, failed))


def safe_hammer(port: int, path: str, seconds: float, out: multiprocessing.Queue) -> None:
    try:
        hammer(port, path, seconds, out)
    except Exception as exc:  # a client that dies must not leave the parent waiting forever
        out.put((0, 1))
        print(f"client failed: {exc!r}", file=sys.stderr)


def measure(port: int, path: str, seconds: float, clients: int) -> tuple[int, float]:
    out: multiprocessing.Queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=safe_hammer, args=(port, path, seconds, out)) for _ in range(clients)]
    started = time.monotonic()
    for w in workers:
        w.start()
    results = [out.get(timeout=seconds + 60) for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    done = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    if failed:
        sys.exit(f"{path}: {failed} requests failed")
    return done, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="one short round: checks that it runs")
    parser.add_argument("--seconds", type=float, default=12.0, help="per target, all rounds (default 12)")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (default 4)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes (default 4)")
    parser.add_argument("--releases", type=int, default=60, help="published releases to have (default 60)")
    parser.add_argument("--port", type=int, default=8100, help="first port to try, 8100-8199 (default 8100)")
    parser.add_argument("--no-setup", action="store_true", help="skip migrate/collectstatic/fill")
    args = parser.parse_args()
    seconds, clients, releases = (1.0, 1, 3) if args.smoke else (args.seconds, args.clients, args.releases)
    rounds = 1 if args.smoke else args.rounds

    with tempfile.TemporaryDirectory(prefix="humas-bench-") as var_dir:
        env = environment(var_dir)
        if not args.no_setup:
            ensure_database(env["DATABASE_URL"])
            manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        output = manage(env, "shell", "-v", "0", "-c", FILL.replace("int(sys.argv[-1])", str(releases)))
        slug = output.splitlines()[-1].strip()
        port = free_port(args.port)
        log = open(Path(var_dir) / "gunicorn.log", "w+b")  # noqa: SIM115 — closed below
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "bench.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/bench/minimal/")
                    break
                except OSError:
                    if server.poll() is not None:
                        log.seek(0)
                        sys.exit("gunicorn did not start:\n" + log.read().decode(errors="replace"))
                    time.sleep(0.1)
            targets = {
                "minimal view (baseline)": "/bench/minimal/",
                "newsroom list": "/siaran-pers/",
                "release page": f"/siaran-pers/{slug}/",
            }
            for path in targets.values():  # warm up: workers import everything, caches fill
                measure(port, path, 0.3 if args.smoke else 1.0, 1)
            # interleaved rounds, so that a burst of load from elsewhere on the machine hits every target alike
            totals = {name: [0, 0.0] for name in targets}
            for _round in range(rounds):
                for name, path in targets.items():
                    done, elapsed = measure(port, path, seconds / rounds, clients)
                    totals[name][0] += done
                    totals[name][1] += elapsed
            rates = {name: done / elapsed for name, (done, elapsed) in totals.items()}
        finally:
            server.terminate()
            server.wait(10)
            log.seek(0)
            errors = log.read().decode(errors="replace").strip()
            log.close()
        if errors:
            print("gunicorn said:\n" + errors[-3000:], file=sys.stderr)
    baseline = rates["minimal view (baseline)"]
    print(
        f"gunicorn 2 workers, {clients} client processes, {seconds:g} s per target in {rounds} interleaved rounds, "
        f"{releases} releases"
    )
    ok = True
    for name, rate in rates.items():
        if name.startswith("minimal"):
            print(f"  {name:<26} {rate:8.1f} req/s")
            continue
        ratio = rate / baseline if baseline else 0.0
        ok &= ratio >= GOAL
        print(f"  {name:<26} {rate:8.1f} req/s   ratio {ratio:.2f} (goal ≥ {GOAL})")
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
