"""Fetching sources end to end against local servers: clippings stored once however many feeds carry them,
matched against the watchlist, toned on arrival; failing feeds back off and never stop the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from humas.errors import Refused
from monitoring import sources
from monitoring.models import Clipping, FetchStatus, Source

from . import feedserver as fs


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the source text), whatever an earlier test left active."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def item(title, link, summary="", date=None):
    return {"title": title, "link": link, "summary": summary, "date": date or timezone.now() - timedelta(hours=1)}


def source(unit, url, outlet="Kabar Tengah"):
    return sources.register(unit_id=unit.pk, name=outlet, outlet=outlet, url=url)


def test_matching_items_are_clipped_once_with_their_terms_tone_and_outlet(feeds, watchlist):
    feeds.routes["/a"] = fs.rss([
        item("Kanwil Tengah raih penghargaan pelayanan terbaik", "https://kabar.example/1?utm_source=rss",
             "Kanwil Tengah sangat bagus, warga puas dan senang dengan pelayanan yang cepat."),
        item("Harga cabai naik di pasar", "https://kabar.example/2"),  # no term: not clipped
        item("KWT buka lowongan kerja", "https://kabar.example/3"),  # an exclusion
    ])  # fmt: skip
    feed = source(watchlist, feeds.url("/a"))
    assert sources.fetch_source(feed.pk) == 1
    clipping = Clipping.objects.get()
    assert clipping.url == "https://kabar.example/1"
    assert clipping.matched_terms == ["Kanwil Tengah"]
    assert (clipping.outlet, clipping.unit_id, clipping.source_id) == ("Kabar Tengah", watchlist.pk, feed.pk)
    assert clipping.tone == "positive"
    feed.refresh_from_db()
    assert (feed.last_status, feed.last_items, feed.new_clippings, feed.failures) == (FetchStatus.OK, 3, 1, 0)


def test_the_same_item_in_two_feeds_and_under_another_address_is_stored_once(feeds, watchlist):
    story = "Kepala Kanwil Tengah Budi Santoso tinjau layanan paspor"
    feeds.routes["/a"] = fs.rss([item(story, "https://kabar.example/berita/9?utm_source=a&fbclid=1")])
    feeds.routes["/b"] = fs.rss([item(story, "https://kabar.example/berita/9")])  # same URL, normalised
    feeds.routes["/c"] = fs.rss([item(story.upper(), "https://m.kabar.example/amp/9")])  # another URL
    for path in ("/a", "/b", "/c"):
        sources.fetch_source(source(watchlist, feeds.url(path), outlet=path).pk)
    assert Clipping.objects.count() == 1
    assert set(Clipping.objects.get().matched_terms) == {"Kanwil Tengah", "Budi Santoso", "pelayanan paspor"}


def test_an_item_without_a_date_gets_the_fetch_time_and_a_future_date_is_capped(feeds, watchlist):
    feed = source(watchlist, feeds.url("/a"))
    now = timezone.now()
    feeds.routes["/a"] = fs.rss([
        {"title": "Kanwil Tengah tanpa tanggal", "link": "https://kabar.example/n"},
        item("Kanwil Tengah dari masa depan", "https://kabar.example/f", date=now + timedelta(days=3)),
    ])  # fmt: skip
    sources.fetch_source(feed.pk, now=now)
    assert set(Clipping.objects.values_list("published_at", flat=True)) == {now}


def test_a_second_fetch_uses_the_etag_and_an_unchanged_feed_stores_nothing(feeds, watchlist):
    feeds.routes["/c"] = fs.conditional(fs.rss([item("Kanwil Tengah", "https://kabar.example/1")]))
    feed = source(watchlist, feeds.url("/c"))
    now = timezone.now()
    sources.fetch_source(feed.pk, now=now)
    later = now + timedelta(minutes=16)
    assert sources.fetch_source(feed.pk, now=later) == 0
    feed.refresh_from_db()
    assert feed.last_status == FetchStatus.NOT_MODIFIED
    assert feed.etag == fs.ETAG
    assert feeds.headers["/c"]["If-None-Match"] == fs.ETAG


def test_a_source_is_fetched_only_when_due(feeds, watchlist):
    feeds.routes["/a"] = fs.rss([])
    feed = source(watchlist, feeds.url("/a"))
    now = timezone.now()
    sources.fetch_source(feed.pk, now=now)
    sources.fetch_source(feed.pk, now=now + timedelta(minutes=5))  # not due: its interval is 15 minutes
    assert feeds.hits["/a"] == 1
    assert feed.pk not in sources.due_ids(now + timedelta(minutes=5))
    assert feed.pk in sources.due_ids(now + timedelta(minutes=15))


def test_failing_feeds_back_off_exponentially_and_never_stop_the_others(feeds, watchlist, settings):
    settings.MONITORING_FETCH_TIMEOUT = 1
    feeds.routes["/good"] = fs.rss([item("Kanwil Tengah bagus", "https://kabar.example/g")])
    feeds.routes["/500"] = fs.status(500)
    feeds.routes["/junk"] = b"<html>bukan feed</html>"
    feeds.routes["/bomb"] = fs.BOMB
    feeds.routes["/loop"] = fs.redirect_to("/loop")
    feeds.routes["/slow"] = fs.slow
    bad = [source(watchlist, feeds.url(p), outlet=p) for p in ("/500", "/junk", "/bomb", "/loop", "/slow")]
    good = source(watchlist, feeds.url("/good"), outlet="good")
    now = timezone.now()
    for feed_id in sources.due_ids(now):
        sources.fetch_source(feed_id, now=now)
    assert Clipping.objects.filter(source=good).count() == 1
    statuses = dict(Source.objects.filter(pk__in=[b.pk for b in bad]).values_list("outlet", "last_status"))
    assert statuses == {"/500": "failed", "/junk": "failed", "/bomb": "refused", "/loop": "failed", "/slow": "failed"}
    failing = Source.objects.get(pk=bad[0].pk)
    assert failing.next_fetch_at == now + timedelta(minutes=30)  # 15 minutes doubled once
    assert "500" in failing.last_error
    sources.fetch_source(failing.pk, now=failing.next_fetch_at)
    failing.refresh_from_db()
    assert failing.failures == 2
    assert failing.next_fetch_at - failing.last_fetch_at == timedelta(minutes=60)


def test_registering_refuses_private_addresses_and_duplicates(watchlist, feeds, settings):
    with pytest.raises(Refused, match="private"):
        source(watchlist, "http://192.168.0.10/rss")
    source(watchlist, feeds.url("/a"))
    with pytest.raises(Refused, match="already"):
        source(watchlist, feeds.url("/a"))
    settings.MONITORING_ALLOW_LOOPBACK = False
    with pytest.raises(Refused):
        source(watchlist, feeds.url("/b"))


def test_old_items_keep_their_published_time(feeds, watchlist):
    when = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)
    feeds.routes["/a"] = fs.rss([item("Kanwil Tengah", "https://kabar.example/o", date=when)])
    sources.fetch_source(source(watchlist, feeds.url("/a")).pk)
    assert Clipping.objects.get().published_at == when
