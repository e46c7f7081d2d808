"""The console pages for sources, the watchlist and clippings: happy path, bad input, another unit's rows
(404) and a role that may only look (403)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.models import Clipping, Source, WatchTerm

from .helpers import clip

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_source_and_sees_its_status(client, editor, unit_tree, feeds):
    client.force_login(editor)
    response = client.post("/staf/isu/sumber/", {
        "unit": unit_tree["kanwil"].pk, "name": "Berita daerah", "outlet": "Kabar Tengah",
        "url": feeds.url("/rss"), "interval_minutes": 15,
    })  # fmt: skip
    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.outlet, source.unit_id, source.last_status) == ("Kabar Tengah", unit_tree["kanwil"].pk, "new")
    html = client.get("/staf/isu/sumber/").content.decode()
    assert "Kabar Tengah" in html and "Belum diambil" in html


def test_a_private_address_is_refused_with_a_message_and_the_form_kept(client, editor, unit_tree):
    client.force_login(editor)
    response = client.post("/staf/isu/sumber/", {
        "unit": unit_tree["kanwil"].pk, "name": "Internal", "outlet": "X", "url": "http://10.1.2.3/rss",
        "interval_minutes": 2,
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "jaringan privat" in html and "paling sering setiap 5 menit" in html
    assert 'value="Internal"' in html
    assert not Source.objects.exists()


def test_a_viewer_sees_the_sources_but_may_not_add_or_toggle(client, viewer, unit_tree):
    source = Source.objects.create(unit=unit_tree["kanwil"], name="a", outlet="b", url="https://kabar.example/r")
    client.force_login(viewer)
    assert client.get("/staf/isu/sumber/").status_code == 200
    assert client.post("/staf/isu/sumber/", {"name": "x"}).status_code == 403
    assert client.post(f"/staf/isu/sumber/{source.pk}/aktif/").status_code == 403


def test_another_units_source_answers_404(client, editor, unit_tree):
    other = Source.objects.create(unit=unit_tree["other"], name="a", outlet="b", url="https://kabar.example/r")
    client.force_login(editor)
    assert client.post(f"/staf/isu/sumber/{other.pk}/aktif/").status_code == 404
    assert "kabar.example/r" not in client.get("/staf/isu/sumber/").content.decode()


def test_pausing_a_source_stops_its_fetches(client, editor, unit_tree):
    source = Source.objects.create(unit=unit_tree["kanwil"], name="a", outlet="b", url="https://kabar.example/r")
    client.force_login(editor)
    client.post(f"/staf/isu/sumber/{source.pk}/aktif/")
    source.refresh_from_db()
    assert not source.is_active


def test_the_watchlist_adds_terms_and_warns_of_a_term_that_matches_everything(client, editor, unit_tree):
    client.force_login(editor)
    response = client.post("/staf/isu/kata-kunci/", {"unit": unit_tree["kanwil"].pk, "phrase": "yang"}, follow=True)
    assert "terlalu umum" in response.content.decode()
    client.post("/staf/isu/kata-kunci/", {"unit": unit_tree["kanwil"].pk, "phrase": "Kanwil Tengah"})
    assert set(WatchTerm.objects.values_list("phrase", flat=True)) == {"yang", "Kanwil Tengah"}
    response = client.post("/staf/isu/kata-kunci/", {"unit": unit_tree["kanwil"].pk, "phrase": "x"})
    assert response.status_code == 400  # too short


def test_a_term_of_another_unit_cannot_be_added_or_removed(client, editor, unit_tree):
    client.force_login(editor)
    response = client.post("/staf/isu/kata-kunci/", {"unit": unit_tree["other"].pk, "phrase": "Timur"})
    assert response.status_code == 400
    term = WatchTerm.objects.create(unit=unit_tree["other"], phrase="Timur")
    assert client.post(f"/staf/isu/kata-kunci/{term.pk}/hapus/").status_code == 404


def test_clippings_are_listed_filtered_and_corrected(client, editor, unit_tree):
    now = timezone.now()
    mine = clip(unit_tree["kanwil"], "Jalan rusak di desa", at=now - timedelta(hours=2), tone="negative")
    clip(unit_tree["kanwil"], "Panen raya", at=now - timedelta(hours=3), tone="positive")
    clip(unit_tree["other"], "Jalan rusak di timur", at=now, tone="negative")
    client.force_login(editor)
    html = client.get("/staf/isu/kliping/?q=jalan&nada=negative").content.decode()
    assert "Jalan rusak di desa" in html and "Panen raya" not in html and "di timur" not in html
    client.post(f"/staf/isu/kliping/{mine.pk}/nada/", {"tone": "neutral", "next": "/staf/isu/kliping/"})
    mine.refresh_from_db()
    assert (mine.tone, mine.tone_corrected_by) == ("neutral", editor)
    client.post(f"/staf/isu/kliping/{mine.pk}/relevansi/")
    mine.refresh_from_db()
    assert mine.is_irrelevant
    assert "Jalan rusak di desa" not in client.get("/staf/isu/kliping/").content.decode()


def test_a_bad_tone_is_refused(client, editor, unit_tree):
    mine = clip(unit_tree["kanwil"], "Jalan rusak", at=timezone.now(), tone="negative")
    client.force_login(editor)
    response = client.post(f"/staf/isu/kliping/{mine.pk}/nada/", {"tone": "marah"}, follow=True)
    assert "Pilih positif, netral, atau negatif" in response.content.decode()
    mine.refresh_from_db()
    assert mine.tone == "negative"


def test_a_clipping_added_by_hand_gets_its_tone_and_a_duplicate_is_refused(
    client, editor, unit_tree, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    data = {
        "unit": unit_tree["kanwil"].pk, "url": "https://koran.example/scan/12?utm_source=wa",
        "title": "Pelayanan Kanwil Tengah sangat memuaskan", "outlet": "Koran Cetak",
        "summary": "Warga puas, petugas ramah dan cepat.", "published_at": "2026-12-01T09:30",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staf/isu/kliping/", data).status_code == 302
    clipping = Clipping.objects.get()
    assert clipping.url == "https://koran.example/scan/12"
    assert clipping.tone == "positive"  # by the task on commit
    assert clipping.published_at.isoformat() == "2026-12-01T01:30:00+00:00"  # 09:30 WITA
    response = client.post("/staf/isu/kliping/", data)
    assert response.status_code == 400 and "sudah dikliping" in response.content.decode()


def test_a_future_time_and_another_units_clipping_are_refused(client, editor, unit_tree):
    client.force_login(editor)
    response = client.post("/staf/isu/kliping/", {
        "unit": unit_tree["kanwil"].pk, "url": "https://k.example/1", "title": "Judul", "outlet": "K",
        "published_at": "2099-01-01T00:00",
    })  # fmt: skip
    assert response.status_code == 400 and "masa depan" in response.content.decode()
    other = clip(unit_tree["other"], "Lain", at=timezone.now())
    assert client.post(f"/staf/isu/kliping/{other.pk}/relevansi/").status_code == 404


def test_a_writer_may_read_clippings_but_not_change_them(client, writer, unit_tree):
    mine = clip(unit_tree["kanwil"], "Jalan rusak", at=timezone.now(), tone="negative")
    client.force_login(writer)
    assert client.get("/staf/isu/kliping/").status_code == 200
    assert client.post(f"/staf/isu/kliping/{mine.pk}/relevansi/").status_code == 403


def test_the_clippings_list_does_not_grow_its_queries(client, editor, unit_tree, django_assert_max_num_queries):
    for n in range(40):
        clip(unit_tree["kanwil"], f"Berita {n}", at=timezone.now() - timedelta(minutes=n), tone="neutral")
    client.force_login(editor)
    client.get("/staf/isu/kliping/")
    with django_assert_max_num_queries(14):
        assert client.get("/staf/isu/kliping/").status_code == 200


def test_the_sources_and_watchlist_pages_do_not_grow_their_queries(
    client, editor, unit_tree, django_assert_max_num_queries
):
    for n in range(30):
        Source.objects.create(unit=unit_tree["kanwil"], name=f"s{n}", outlet="o", url=f"https://k.example/{n}")
        WatchTerm.objects.create(unit=unit_tree["satker"], phrase=f"kata {n}")
    client.force_login(editor)
    for url in ("/staf/isu/sumber/", "/staf/isu/kata-kunci/"):
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_fetch_now_fetches_the_source_at_once(client, editor, watchlist, feeds, django_capture_on_commit_callbacks):
    from . import feedserver as fs

    feeds.routes["/rss"] = fs.rss([{"title": "Kanwil Tengah buka posko", "link": "https://k.example/1",
                                    "date": timezone.now()}])  # fmt: skip
    source = Source.objects.create(
        unit=watchlist,
        name="a",
        outlet="Kabar",
        url=feeds.url("/rss"),
        next_fetch_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/staf/isu/sumber/{source.pk}/ambil/").status_code == 302
    source.refresh_from_db()
    assert (source.last_status, source.new_clippings) == ("ok", 1)
    assert Clipping.objects.filter(source=source).count() == 1


def test_the_admin_refuses_a_private_feed_address(client, superuser, unit_tree):
    client.force_login(superuser)
    response = client.post("/admin/monitoring/source/add/", {
        "unit": unit_tree["kanwil"].pk, "name": "x", "outlet": "y", "url": "http://169.254.169.254/latest/",
        "is_active": "on", "interval_minutes": 15,
    })  # fmt: skip
    assert response.status_code == 200 and not Source.objects.exists()
    assert "jaringan privat" in response.content.decode()
    assert client.get("/admin/monitoring/clipping/").status_code == 200
