"""Benchmark: complaint submission through the API against a minimal view that does one INSERT, both under
the same gunicorn (2 workers, DEBUG off, PostgreSQL, Redis). Prints both rates, their ratio (floor ≥ 0.30)
and whether every 201 stored exactly one complaint.

    .venv/bin/python bench/intake.py            # full size
    .venv/bin/python bench/intake.py --smoke    # a few requests, for CI
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Gunicorn, bench_env, fresh_database, load, manage

DATABASE = os.environ.get("BENCH_DATABASE", "humas_bench")  # its own name when benchmarks run side by side


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.smoke:
        args.requests, args.clients, args.rounds = 30, 2, 1

    env = bench_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
    fresh_database(DATABASE)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", env=env)
    setup = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, title text, body text,"
        " created_at timestamptz)')\n"
        "from complaints.models import Complaint\n"
        "print(Complaint.objects.count())\n"
    )
    before = int(manage("shell", "-c", setup, env=env).strip().splitlines()[-1])

    fields = {
        "kind": "complaint", "unit": "kanwil-nusa-tengah", "title": "Jalan berlubang di depan pasar Cakranegara",
        "description": "Lubang besar di tengah jalan depan pasar sudah dua minggu dan membahayakan pengendara.",
        # BENCH_MODE=anonymous leaves out the contact data, so no receipt e-mail is queued
        "identity_mode": os.environ.get("BENCH_MODE", "named"),
        "reporter_name": "Budi Santoso", "reporter_email": "budi@example.test",
        "reporter_phone": "0812-3456-7890", "visibility": "public", "consent": "true",
    }  # fmt: skip
    form_body = urlencode(fields).encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}

    paths = {"baseline": "/bench/baseline-insert/", "api": "/api/v1/complaints/"}
    server = Gunicorn(env, workers=2)
    try:
        warmup = max(10, args.requests // 10)
        extra_stored = 0  # complaints stored by the warm-up, not counted as the API's 201s
        for name, url in paths.items():
            _, statuses = load(server.port, "POST", url, body=form_body, headers=form_headers, requests=warmup,
                               clients=args.clients)  # fmt: skip
            extra_stored += statuses.get(201, 0) if name == "api" else 0
        rates: dict[str, list[float]] = {name: [] for name in paths}
        created = 0
        for _ in range(args.rounds):
            for name, url in paths.items():
                rate, statuses = load(server.port, "POST", url, body=form_body, headers=form_headers,
                                      requests=args.requests, clients=args.clients)  # fmt: skip
                if set(statuses) != {201}:
                    print(f"unexpected statuses ({name}):", statuses)
                    assert name != "baseline", statuses
                if name == "api":
                    created += statuses.get(201, 0)
                rates[name].append(rate)
    finally:
        server.stop()

    after = int(manage("shell", "-c", "from complaints.models import Complaint; print(Complaint.objects.count())",
                       env=env).strip().splitlines()[-1])  # fmt: skip
    stored = after - before - extra_stored
    baseline, api = max(rates["baseline"]), max(rates["api"])
    ratio = api / baseline
    result = {
        "requests_per_round": args.requests, "clients": args.clients, "rounds": args.rounds,
        "baseline_insert_rps": round(baseline, 1), "complaint_api_rps": round(api, 1), "ratio": round(ratio, 3),
        "floor": 0.3, "responses_201": created, "complaints_stored": stored, "stored_equals_201": stored == created,
    }  # fmt: skip
    print(f"baseline (one INSERT):     {baseline:8.1f} req/s")
    print(f"complaint API (POST):      {api:8.1f} req/s")
    print(f"ratio:                     {ratio:8.3f}  (floor >= 0.30)")
    print(f"201 responses / stored:    {created} / {stored}  ({'equal' if stored == created else 'MISMATCH'})")
    print(json.dumps(result))
    return 0 if stored == created else 1


if __name__ == "__main__":
    raise SystemExit(main())
