"""The public newsroom: list with filters and search, one release with everything a journalist expects,
query counts that hold as the data grows, view counting in Redis, the home section."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from releases import images, newsroom, publishing
from releases.models import Category, Release

from .factories import published

HUMAN = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


@pytest.fixture
def newsroom_data(unit_tree, editor, django_capture_on_commit_callbacks):
    category = Category.objects.create(name="Siaran Pers", slug="siaran-pers")
    with django_capture_on_commit_callbacks(execute=True):
        first = published(
            unit_tree["kanwil"],
            editor,
            "Layanan Pengaduan Daring Dibuka",
            photos=2,
            category=category,
            tags=["pelayanan publik", "digital"],
            writer_name="Citra",
            editor_name="Bambang",
            photographer_name="Dedi",
        )
        second = published(
            unit_tree["satker"], editor, "Penyaluran Bantuan Sosial", photos=1, tags=["pelayanan publik"]
        )
    return {"first": first, "second": second, "category": category}


def more_releases(unit, editor, n: int, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(n):
            published(unit, editor, f"Rilis tambahan nomor {i}", photos=2, tags=[f"tag{i}", f"lain{i}", "umum"])


def test_the_list_shows_published_releases_with_photos(client, newsroom_data, unit_tree, editor):
    publishing.create_release(unit=unit_tree["kanwil"], by=editor, data={"title": "Draf rahasia belum terbit"})
    response = client.get("/siaran-pers/", **HUMAN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Layanan Pengaduan Daring Dibuka" in html and "Penyaluran Bantuan Sosial" in html
    assert "Draf rahasia" not in html
    assert 'type="image/webp"' in html and 'loading="lazy"' in html and "srcset=" in html
    assert 'rel="alternate" type="application/rss+xml"' in html


def test_filters_and_search(client, newsroom_data, unit_tree):
    assert "Penyaluran" not in client.get("/siaran-pers/?category=siaran-pers").content.decode()
    by_unit = client.get("/siaran-pers/?unit=kanwil-tengah").content.decode()
    assert "Penyaluran Bantuan Sosial" in by_unit  # satker lies below kanwil
    assert "Penyaluran" not in client.get("/siaran-pers/?unit=kanwil-timur").content.decode()
    assert "Layanan Pengaduan" in client.get("/siaran-pers/?tag=digital").content.decode()
    assert "Layanan Pengaduan" not in client.get("/siaran-pers/?year=1999").content.decode()
    found = client.get("/siaran-pers/?q=bantuan").content.decode()
    assert "Penyaluran Bantuan Sosial" in found and "Layanan Pengaduan Daring" not in found
    # the indonesian stemmer: "penyaluran" finds "salurkan"-family words through the stem "salur"
    assert "Penyaluran Bantuan Sosial" in client.get("/siaran-pers/?q=disalurkan").content.decode()
    assert client.get("/siaran-pers/?page=999&q=<script>").status_code == 200


def test_the_release_page_has_what_a_journalist_and_a_share_preview_need(client, newsroom_data):
    release = newsroom_data["first"]
    html = client.get(f"/siaran-pers/{release.slug}/", **HUMAN).content.decode()
    assert "<h1>Layanan Pengaduan Daring Dibuka</h1>" in html
    assert "MATARAM –" in html
    assert "Editor: Bambang – Rep: Citra – Foto: Dedi" in html
    assert "Teks foto:" in html and "Teks foto 0" in html
    assert "WITA" in html  # the unit's zone
    assert "Dibaca 0 kali" in html
    assert 'property="og:image" content="http' in html and 'name="twitter:card" content="summary_large_image"' in html
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/siaran-pers/{release.slug}/">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == release.title and data["image"]
    assert "Penyaluran Bantuan Sosial" in html  # related by the shared tag
    assert "/foto/" in html and "/unduh/" in html  # originals for the media


def test_the_original_photo_downloads_with_a_readable_name(client, newsroom_data):
    release = newsroom_data["first"]
    photo = release.photos.order_by("order").first()
    response = client.get(f"/siaran-pers/{release.slug}/foto/{photo.pk}/unduh/")
    assert response.status_code == 200
    assert f'filename="{release.slug}-foto-1.jpg"' in response["Content-Disposition"]


def test_drafts_are_not_found_and_withdrawn_ones_keep_a_notice(client, newsroom_data, unit_tree, editor):
    draft = publishing.create_release(unit=unit_tree["kanwil"], by=editor, data={"title": "Masih draf saja"})
    assert client.get(f"/siaran-pers/{draft.slug}/").status_code == 404
    release = newsroom_data["second"]
    publishing.withdraw(release, by=editor, reason="Data penerima sedang diverifikasi.")
    newsroom.bump_version()
    page = client.get(f"/siaran-pers/{release.slug}/").content.decode()
    assert "Siaran pers ini telah ditarik." in page or "ditarik" in page
    assert "Data penerima sedang diverifikasi." in page and 'name="robots" content="noindex"' in page
    assert release.title not in client.get("/siaran-pers/").content.decode()


def warm_site_chrome(client):
    """The header and footer (the site's name and logo, its social channels) are cached for a minute and
    shared by every page; warm them with a page the newsroom does not cache, so that what is counted below
    is the newsroom page's own queries."""
    assert client.get("/kontak/").status_code == 200


def test_list_queries_stay_flat_as_the_data_grows(
    client, unit_tree, editor, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    more_releases(unit_tree["kanwil"], editor, 3, django_capture_on_commit_callbacks)
    warm_site_chrome(client)
    with django_assert_max_num_queries(6):
        assert client.get("/siaran-pers/?unit=kanwil-tengah", **HUMAN).status_code == 200
    more_releases(unit_tree["satker"], editor, 12, django_capture_on_commit_callbacks)
    newsroom.bump_version()
    with django_assert_max_num_queries(6):
        html = client.get("/siaran-pers/?unit=kanwil-tengah", **HUMAN).content.decode()
    assert html.count('class="card release-card"') == 12


def test_detail_queries_stay_flat_whatever_the_photos_and_tags(
    client, unit_tree, editor, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    more_releases(unit_tree["kanwil"], editor, 8, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        big = published(
            unit_tree["kanwil"],
            editor,
            "Rilis dengan banyak foto",
            photos=6,
            tags=[f"t{i}" for i in range(10)] + ["umum"],
        )
    warm_site_chrome(client)
    with django_assert_max_num_queries(6):
        html = client.get(f"/siaran-pers/{big.slug}/", **HUMAN).content.decode()
    assert html.count("<figure") == 6


def test_views_are_counted_in_redis_not_for_bots_and_flushed_to_the_row(
    client, newsroom_data, django_capture_on_commit_callbacks
):
    release = newsroom_data["first"]
    url = f"/siaran-pers/{release.slug}/"
    for _ in range(3):
        client.get(url, **HUMAN)  # the second and third come from the page cache, still counted
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(url, HTTP_USER_AGENT="WhatsApp/2.23.20.0")
    client.get(url)  # no user agent at all
    assert Release.objects.get(pk=release.pk).view_count == 0  # the row is not written per hit
    assert newsroom.counter.pending_views(release.pk) == 3
    from humas import redis_client

    redis_client.client().hincrby(newsroom.counter.views_key(), "999999999:2026-12-06:direct", 5)  # deleted since
    with django_capture_on_commit_callbacks(execute=True):
        assert newsroom.flush_views() == 1
    assert Release.objects.get(pk=release.pk).view_count == 3
    assert newsroom.counter.pending_views(release.pk) == 0
    assert newsroom.flush_views() == 0


def test_the_home_page_shows_the_latest_releases(client, newsroom_data):
    html = client.get("/").content.decode()
    assert "Siaran pers terbaru" in html or "Latest press releases" in html
    assert "Layanan Pengaduan Daring Dibuka" in html


def test_cached_pages_change_when_a_release_is_published(client, newsroom_data, unit_tree, editor):
    client.get("/siaran-pers/", **HUMAN)
    published(unit_tree["kanwil"], editor, "Rilis paling baru sekali")
    newsroom.bump_version()  # what the on-commit hook does
    assert "Rilis paling baru sekali" in client.get("/siaran-pers/", **HUMAN).content.decode()


def test_staff_with_a_session_never_get_the_shared_cached_page(client, newsroom_data, unit_tree, editor):
    assert "public" in client.get("/siaran-pers/", **HUMAN)["Cache-Control"]  # cached for everyone now
    published(unit_tree["kanwil"], editor, "Rilis yang belum sampai ke cache")  # no bump: hooks not run
    assert "Rilis yang belum sampai" not in client.get("/siaran-pers/", **HUMAN).content.decode()
    staff = Client()
    staff.force_login(editor)
    response = staff.get("/siaran-pers/", **HUMAN)
    assert "Rilis yang belum sampai" in response.content.decode()  # built for them, not the shared copy
    assert "public" not in response.get("Cache-Control", "")


def test_a_photo_added_later_reaches_the_page(client, newsroom_data, editor, django_capture_on_commit_callbacks):
    from .factories import photo_upload

    release = newsroom_data["second"]
    with django_capture_on_commit_callbacks(execute=True):
        images.add_photo(release, upload=photo_upload(), by=editor, caption="Foto susulan")
    assert "Foto susulan" in client.get(f"/siaran-pers/{release.slug}/").content.decode()


def test_with_redis_away_pages_still_answer_from_the_database_and_say_so_once(
    client, newsroom_data, monkeypatch, caplog
):
    """The newsroom's own cache and counter with a Redis that refuses every call (the site-wide fault test
    stops the real one)."""
    import redis

    from humas import redis_client
    from humas.cache import TolerantRedisCache
    from releases.newsroom import cache, counter

    away = "redis://127.0.0.1:1/0"  # nothing listens there: every call is refused at once
    monkeypatch.setattr(cache, "cache", TolerantRedisCache(away, {}))
    monkeypatch.setattr(redis_client, "client", lambda: redis.Redis.from_url(away, socket_connect_timeout=0.2))
    release = newsroom_data["first"]
    with caplog.at_level("WARNING", logger="humas.outages"):
        for _ in range(3):
            assert client.get("/siaran-pers/", **HUMAN).status_code == 200
            page = client.get(f"/siaran-pers/{release.slug}/", **HUMAN)
            assert page.status_code == 200 and release.title in page.content.decode()
            assert client.get("/siaran-pers/rss/").status_code == 200
        counter.send_gathered()  # what the process's timer does a second after the first view
    warnings = sorted(r.getMessage().split(" unreachable")[0] for r in caplog.records)
    assert warnings == ["Redis", "Redis cache at 127.0.0.1:1"]  # once each, not per request
    newsroom.bump_version()  # a publication's hook does not fail either
    assert counter.pending_views(release.pk) == 0 and Release.objects.get(pk=release.pk).view_count == 0


def test_a_process_sends_its_views_in_one_batch_a_second_after_the_first(client, newsroom_data):
    import time

    from humas import redis_client
    from releases.newsroom import counter

    release = newsroom_data["first"]
    for _ in range(4):
        client.get(f"/siaran-pers/{release.slug}/", **HUMAN)
    raw = redis_client.client()
    in_redis = lambda: sum(  # noqa: E731
        int(n) for _f, n in raw.hscan_iter(counter.views_key(), match=f"{release.pk}:*")
    )
    assert in_redis() == 0  # gathered in the process, not one round trip per view
    deadline = time.monotonic() + 5
    while in_redis() < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_redis() == 4  # the timer sent them, without another view or a flush
