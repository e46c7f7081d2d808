"""Redis (cache, rate limits and Celery's broker) stopped under the whole production stack — gunicorn, a
Celery worker, beat, an SMTP server: public pages, the complaint form and API, tracking and subscribing answer
2xx/3xx and every report is stored; when Redis is back, beat's sweep sends every receipt, exactly once."""

from __future__ import annotations

import time

import pytest

from complaints.models import Complaint
from releases.tests.factories import published
from tests.test_redis_down import complaint, post_web_form, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/siaran-pers/", "/siaran-pers/rss/", "/siaran-pers/feed.json", "/pengaduan/", "/pengaduan/lacak/",
         "/pengaduan/publik/", "/mitra-media/", "/sitemap.xml"]  # fmt: skip


def test_reports_filed_with_redis_stopped_are_stored_and_their_receipts_arrive_once_when_it_is_back(
    stack, own_redis, smtp, unit_tree, editor
):
    portal = stack.portal
    release = published(unit_tree["kanwil"], editor)
    api = portal.session()
    first = portal.call(api, "POST", "/api/v1/complaints/", expect={201}, json=complaint(0))
    assert first.status_code == 201
    assert wait_for(lambda: smtp.count("sari0@example.test") == 1, 60), "beat and the worker sent no receipt"

    own_redis.stop()
    stopped_at = time.monotonic()
    for path in [*PAGES, f"/siaran-pers/{release.slug}/"]:
        portal.call(portal.session(), "GET", path)
    web = portal.session()
    post_web_form(portal, web, "/pengaduan/lacak/", {"code": first.json()["tracking_code"]}, expect={302})
    sent = post_web_form(portal, web, "/pengaduan/", {**complaint(1), "consent": "on"}, expect={302})
    if sent is not None and sent.status_code == 302:
        portal.call(web, "GET", sent.headers["Location"])
    for n in range(2, 5):
        portal.call(api, "POST", "/api/v1/complaints/", expect={201}, json=complaint(n))
    post_web_form(
        portal, portal.session(), "/mitra-media/",
        {"name": "Rudi Hartono", "email": "rudi@redaksi.example.test", "outlet": "Harian Contoh", "language": "id",
         "consent": "on"},
        expect={302},
    )  # fmt: skip
    assert not portal.problems, "\n".join(portal.problems)
    assert Complaint.objects.count() == 5
    time.sleep(max(0.0, 12 - (time.monotonic() - stopped_at)))  # beat's sweeps fail meanwhile
    assert [smtp.count(f"sari{n}@example.test") for n in range(1, 5)] == [0, 0, 0, 0]

    own_redis.start()
    waiting = [f"sari{n}@example.test" for n in range(1, 5)] + ["rudi@redaksi.example.test"]
    assert wait_for(lambda: all(smtp.count(address) for address in waiting), 90), (
        f"received after Redis came back: {sorted(set(smtp.received))}"
    )
    time.sleep(6)  # one more sweep: nothing goes twice
    assert {address: smtp.count(address) for address in ["sari0@example.test", *waiting]} == dict.fromkeys(
        ["sari0@example.test", *waiting], 1
    )
