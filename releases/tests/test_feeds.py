"""Feeds as feed readers see them (feedparser: no bozo, every field), Atom's required elements (RFC 4287),
JSON Feed 1.1, per unit and tag; withdrawn releases leave every feed. Sitemaps and robots.txt."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from releases import newsroom, publishing

from .factories import published

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed_data(unit_tree, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = published(
            unit_tree["kanwil"],
            editor,
            "Layanan Pengaduan Daring Dibuka",
            photos=1,
            tags=["pelayanan publik"],
            body="<p>Isi lengkap <strong>siaran</strong> pers.</p>",
        )
        second = published(unit_tree["other"], editor_timur(unit_tree), "Rilis dari Kanwil Timur", tags=["lain"])
        gone = published(unit_tree["kanwil"], editor, "Rilis yang akan ditarik", tags=["pelayanan publik"])
        publishing.withdraw(gone, by=editor, reason="Salah data")
    return {"first": first, "second": second, "gone": gone}


def editor_timur(unit_tree):
    from conftest import make_staff

    return make_staff("redaktur_timur", "editor", unit_tree["other"])


@pytest.mark.parametrize("path", ["/siaran-pers/rss/", "/siaran-pers/atom/"])
def test_rss_and_atom_parse_cleanly_with_every_field(client, feed_data, path):
    response = client.get(path)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title and parsed.feed.link
    titles = [e.title for e in parsed.entries]
    assert titles == ["Rilis dari Kanwil Timur", "Layanan Pengaduan Daring Dibuka"]
    entry = next(e for e in parsed.entries if e.title == "Layanan Pengaduan Daring Dibuka")
    assert entry.link.endswith(f"/siaran-pers/{feed_data['first'].slug}/")
    assert entry.id == f"tag:127.0.0.1,{feed_data['first'].created_at:%Y-%m-%d}:release:{feed_data['first'].pk}"
    assert entry.published_parsed
    if "atom" in path:
        assert "updated" in entry and entry.updated_parsed  # RSS 2.0 has no per-item updated date
    else:
        assert parsed.feed.updated  # RSS: the channel's lastBuildDate
    assert "<strong>siaran</strong>" in entry.content[0].value  # the full body
    assert entry.summary
    assert [t.term for t in entry.tags] == ["pelayanan publik"]
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert len(enclosures) == 1 and enclosures[0].type == "image/jpeg" and int(enclosures[0].length) > 0
    assert "Rilis yang akan ditarik" not in response.content.decode()


def test_atom_has_the_elements_rfc_4287_requires(client, feed_data):
    root = ET.fromstring(client.get("/siaran-pers/atom/").content)  # noqa: S314 — our own output
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text  # feed-level author covers the entries
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.find(f"{ATOM}content[@type='html']") is not None
        assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_json_feed_1_1(client, feed_data):
    response = client.get("/siaran-pers/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    data = json.loads(response.content)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and data["home_page_url"] and data["feed_url"]
    assert [i["title"] for i in data["items"]] == ["Rilis dari Kanwil Timur", "Layanan Pengaduan Daring Dibuka"]
    item = data["items"][1]
    for key in ("id", "url", "content_html", "date_published", "date_modified", "authors", "tags", "image"):
        assert item[key], key
    # JSON Feed 1.1: every item has an id and content_html or content_text; dates are RFC 3339
    from datetime import datetime

    for entry in data["items"]:
        assert isinstance(entry["id"], str) and (entry.get("content_html") or entry.get("content_text"))
        datetime.fromisoformat(entry["date_published"])


def test_feeds_per_unit_and_per_tag(client, feed_data):
    unit_feed = feedparser.parse(client.get("/siaran-pers/rss/?unit=kanwil-timur").content)
    assert [e.title for e in unit_feed.entries] == ["Rilis dari Kanwil Timur"]
    assert "Kanwil Timur" in unit_feed.feed.title
    tag_feed = feedparser.parse(client.get("/siaran-pers/atom/?tag=pelayanan-publik").content)
    assert [e.title for e in tag_feed.entries] == ["Layanan Pengaduan Daring Dibuka"]
    assert json.loads(client.get("/siaran-pers/feed.json?tag=lain").content)["items"][0]["title"] == (
        "Rilis dari Kanwil Timur"
    )
    assert client.get("/siaran-pers/rss/?unit=tidak-ada").status_code == 404
    assert client.get("/siaran-pers/rss/?tag=tidak-ada").status_code == 404


def test_a_withdrawal_takes_the_release_out_of_cached_feeds(
    client, feed_data, editor, django_capture_on_commit_callbacks
):
    assert "Layanan Pengaduan" in client.get("/siaran-pers/rss/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.withdraw(feed_data["first"], by=editor, reason="Diperbaiki")
    assert "Layanan Pengaduan" not in client.get("/siaran-pers/rss/").content.decode()
    assert "Layanan Pengaduan" not in client.get("/siaran-pers/feed.json").content.decode()


def test_every_page_links_its_feeds(client, unit_tree):
    for path in ("/", "/kontak/", "/siaran-pers/"):
        html = client.get(path).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert '<link rel="alternate" type="application/feed+json"' in html


def test_sitemap_lists_published_releases_only(client, feed_data):
    xml = client.get("/sitemap.xml")
    assert xml["Content-Type"].startswith("application/xml")
    root = ET.fromstring(xml.content)  # noqa: S314 — our own output
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"http://127.0.0.1:8000/siaran-pers/{feed_data['first'].slug}/" in locs
    assert f"http://127.0.0.1:8000/siaran-pers/{feed_data['gone'].slug}/" not in locs
    assert "http://127.0.0.1:8000/siaran-pers/" in locs


def test_news_sitemap_covers_the_last_two_days(client, feed_data):
    from datetime import timedelta

    from django.utils import timezone

    from releases.models import Release

    Release.objects.filter(pk=feed_data["second"].pk).update(published_at=timezone.now() - timedelta(days=3))
    newsroom.bump_version()
    root = ET.fromstring(client.get("/sitemap-news.xml").content)  # noqa: S314 — our own output
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    titles = [e.text for e in root.iter(f"{news}title")]
    assert titles == ["Layanan Pengaduan Daring Dibuka"]
    assert root.find(f".//{news}publication/{news}language").text == "id"


def test_robots_txt_points_at_the_sitemaps_and_keeps_staff_admin_api_out(client):
    text = client.get("/robots.txt").content.decode()
    for line in (
        "Disallow: /staf/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Sitemap: http://127.0.0.1:8000/sitemap.xml",
        "Sitemap: http://127.0.0.1:8000/sitemap-news.xml",
    ):
        assert line in text
