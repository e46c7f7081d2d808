"""PostgreSQL behind PgBouncer in transaction pooling mode, as real offices run it: every database path must
work when consecutive transactions of one Django connection land on different server connections (no
session-level state such as PREPARE, no server-side cursors across transactions)."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from mailing.tests.test_dispatch import subscribers
from mailing.tests.test_dispatch_worker import received, sink, wait_until, workers  # noqa: F401  (fixtures)
from tests.servers import gunicorn, pgbouncer, production_env, stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REPORT = {
    "kind": "complaint",
    "unit": "satker-tengah",
    "title": "Lampu jalan mati di depan sekolah",
    "description": "Sudah seminggu lampu jalan di depan SD Negeri 3 mati dan jalan gelap pada malam hari.",
    "identity_mode": "named",
    "reporter_name": "Budi Santoso",
    "reporter_email": "budi@example.test",
    "visibility": "public",
    "consent": "true",
}


def test_complaints_filed_concurrently_through_pgbouncer_are_all_stored(tmp_path, unit_tree):
    from django.db import connection

    from complaints.models import Complaint

    bouncer, bouncer_port = pgbouncer(tmp_path, pool_size=3)
    env = production_env(
        tmp_path,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{bouncer_port}/{connection.settings_dict['NAME']}",
        DATABASE_POOLING="pgbouncer",
        HTTPS="false",
        COMPLAINT_SUBMIT_LIMIT="100000",
    )
    log = tmp_path / "gunicorn.log"
    server, port = gunicorn(env, workers=4, log=log)
    body = json.dumps(REPORT)

    def post(_: int) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", "/api/v1/complaints/", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            return response.status, response.read().decode(errors="replace")[:300]
        finally:
            conn.close()

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(post, range(200)))
    finally:
        stop(server)
        stop(bouncer)
    failures = [answer for answer in answers if answer[0] != 201]
    assert failures == [], f"{len(failures)} of 200 failed; the server said: {log.read_text()[-2000:]}"
    assert Complaint.objects.count() == 200
    assert len(set(Complaint.objects.values_list("tracking_digest", flat=True))) == 200


def test_a_release_is_fanned_out_through_pgbouncer(tmp_path, sink, workers, editor, unit_tree):  # noqa: F811
    from collections import Counter

    from django.db import connection

    from mailing.models import Delivery, DeliveryStatus, Dispatch, DispatchState
    from releases.tests.factories import published

    bouncer, bouncer_port = pgbouncer(tmp_path, pool_size=2)
    try:
        workers(
            concurrency=3,
            DISPATCH_BATCH_SIZE="9",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{bouncer_port}/{connection.settings_dict['NAME']}",
            DATABASE_POOLING="pgbouncer",
        )
        confirmed = subscribers(120)
        release = published(unit_tree["kanwil"], editor)  # commits: the hook enqueues the coordinator
        item = Dispatch.objects.get(release=release)
        done = wait_until(lambda: Dispatch.objects.filter(pk=item.pk, state=DispatchState.DONE).exists(), 120)
    finally:
        stop(bouncer)
    assert done, Counter(Delivery.objects.filter(dispatch=item).values_list("status", flat=True))
    assert received(sink) == Counter({s.email: 1 for s in confirmed})
    assert Delivery.objects.filter(dispatch=item, status=DeliveryStatus.SENT).count() == 120
