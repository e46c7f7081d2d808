"""Fetching and parsing against local servers: conditional GET, the User-Agent, timeouts, the size cap,
redirect loops, error statuses, malformed XML, entity attacks (XXE, billion laughs) and SSRF refusals."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.utils import translation

from monitoring import fetching
from monitoring.fetching import FetchError

from . import feedserver as fs


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the source text), whatever an earlier test left active."""
    with translation.override("en"):
        yield


WHEN = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
ITEMS = [
    {"title": "Kanwil Tengah buka posko", "link": "https://kabar.example/a?utm_source=x", "date": WHEN,
     "summary": "<p>Posko <b>pengaduan</b> dibuka.</p>"},
    {"title": "Tanpa tautan", "date": WHEN},
    {"title": "Tanpa tanggal", "link": "https://kabar.example/b"},
]  # fmt: skip


def test_a_good_rss_feed_gives_its_items_and_skips_those_without_a_link(feeds):
    feeds.routes["/rss"] = fs.rss(ITEMS)
    got = fetching.fetch(feeds.url("/rss"))
    items = fetching.parse(got.body)
    assert [i.title for i in items] == ["Kanwil Tengah buka posko", "Tanpa tanggal"]
    assert items[0].summary == "Posko pengaduan dibuka."  # tags stripped
    assert items[0].published == WHEN
    assert items[1].published is None  # no date: the caller uses the fetch time
    assert feeds.headers["/rss"]["User-Agent"].startswith("HumasMonitor/")


def test_an_atom_feed_is_read_too(feeds):
    feeds.routes["/atom"] = fs.atom([{"title": "Kanwil Tengah", "link": "https://p.example/x", "date": WHEN}])
    items = fetching.parse(fetching.fetch(feeds.url("/atom")).body)
    assert [(i.title, i.link, i.published) for i in items] == [("Kanwil Tengah", "https://p.example/x", WHEN)]


def test_conditional_get_sends_the_etag_back_and_reads_304(feeds):
    feeds.routes["/c"] = fs.conditional(fs.rss(ITEMS))
    first = fetching.fetch(feeds.url("/c"))
    assert (first.status, first.etag) == (200, fs.ETAG)
    second = fetching.fetch(feeds.url("/c"), etag=first.etag, last_modified=first.last_modified)
    assert second.status == 304
    assert feeds.headers["/c"]["If-None-Match"] == fs.ETAG
    assert feeds.headers["/c"]["If-Modified-Since"] == first.last_modified


def test_a_slow_server_times_out(feeds, settings):
    settings.MONITORING_FETCH_TIMEOUT = 1
    feeds.routes["/slow"] = fs.slow
    started = time.monotonic()
    with pytest.raises(FetchError, match="in time"):
        fetching.fetch(feeds.url("/slow"))
    assert time.monotonic() - started < 3


def test_a_server_dripping_bytes_hits_the_total_deadline(feeds, settings):
    settings.MONITORING_FETCH_TIMEOUT = 1
    feeds.routes["/drip"] = fs.dripping
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slowly"):
        fetching.fetch(feeds.url("/drip"))
    assert time.monotonic() - started < 6


def test_a_50_mb_body_is_cut_at_the_size_cap(feeds):
    feeds.routes["/huge"] = fs.huge
    with pytest.raises(FetchError, match="larger than"):
        fetching.fetch(feeds.url("/huge"))
    feeds.routes["/announced"] = fs.announced_huge
    with pytest.raises(FetchError, match="larger than"):
        fetching.fetch(feeds.url("/announced"))


def test_a_redirect_loop_stops(feeds):
    feeds.routes["/loop"] = fs.redirect_to("/loop")
    with pytest.raises(FetchError, match="Too many redirects"):
        fetching.fetch(feeds.url("/loop"))
    assert feeds.hits["/loop"] == fetching.MAX_REDIRECTS + 1


def test_a_redirect_is_followed_to_a_good_feed(feeds):
    feeds.routes["/old"] = fs.redirect_to("/rss")
    feeds.routes["/rss"] = fs.rss(ITEMS)
    assert len(fetching.parse(fetching.fetch(feeds.url("/old")).body)) == 2


@pytest.mark.parametrize("code", [403, 404, 500, 503])
def test_error_statuses_fail_with_the_status(feeds, code):
    feeds.routes["/e"] = fs.status(code)
    with pytest.raises(FetchError, match=str(code)):
        fetching.fetch(feeds.url("/e"))


def test_a_body_that_is_not_a_feed_is_refused():
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        fetching.parse(b"<html><body>Halaman <b>tidak</b> ditemukan</body></html>")
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        fetching.parse(b"\x00\xff garbage {]")


def test_external_entities_are_refused_and_never_read():
    with pytest.raises(FetchError, match="entities") as raised:
        fetching.parse(fs.XXE)
    assert raised.value.refused


def test_a_billion_laughs_bomb_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(FetchError, match="entities"):
        fetching.parse(fs.BOMB)
    assert time.monotonic() - started < 1


def test_a_malformed_but_readable_feed_still_gives_its_items():
    body = fs.rss(ITEMS).replace(b"</channel></rss>", b"<item><title>broken & unescaped</title></channel>")
    items = fetching.parse(body)
    assert "Kanwil Tengah buka posko" in [i.title for i in items]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/feed", "http://192.168.1.1/rss", "http://172.16.0.1/", "http://169.254.169.254/latest/",
        "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/", "http://[fe80::1]/", "http://0.0.0.0/",
        "file:///etc/passwd", "ftp://kabar.example/rss", "gopher://x/",
    ],
)  # fmt: skip
def test_private_link_local_and_non_http_addresses_are_refused(url):
    with pytest.raises(FetchError) as raised:
        fetching.check_address(url)
    assert raised.value.refused


def test_loopback_is_refused_in_production(settings, feeds):
    settings.MONITORING_ALLOW_LOOPBACK = False
    feeds.routes["/rss"] = fs.rss(ITEMS)
    for url in (feeds.url("/rss"), f"http://localhost:{feeds.port}/rss", "http://[::1]/"):
        with pytest.raises(FetchError) as raised:
            fetching.fetch(url)
        assert raised.value.refused
    assert "/rss" not in feeds.hits  # never connected


def test_a_redirect_to_a_private_address_is_refused(feeds):
    feeds.routes["/go"] = fs.redirect_to("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError) as raised:
        fetching.fetch(feeds.url("/go"))
    assert raised.value.refused


def test_the_portals_own_host_is_refused(settings):
    settings.SITE_URL = "https://humas.example.go.id"
    with pytest.raises(FetchError) as raised:
        fetching.check_address("https://humas.example.go.id/siaran-pers/rss/")
    assert raised.value.refused
