"""The public map: its bounding-box GeoJSON (capped, clustered at low zoom, cached under a version bumped on
commit), its page with the list beside it, the board's map, the RSS feed; privacy of `rahasia` reports."""

from __future__ import annotations

import json
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from complaints.handling import workflow
from complaints.models import Category, Complaint, EventKind, Status
from complaints.public import intake, mapdata

CITY = "116.0,-8.7,116.3,-8.4"


def report(unit, *, lat, lng, title="Lampu jalan padam di depan pasar", status=Status.VERIFIED, visibility="public",
           category=None) -> Complaint:  # fmt: skip
    complaint = intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="complaint", title=title, description="Uraian laporan yang cukup panjang untuk lolos validasi.",
            unit=unit, category=category, identity_mode="named", reporter_name="Budi Rahasia",
            reporter_email="budi@example.test", visibility=visibility, consent=True,
            latitude=Decimal(lat), longitude=Decimal(lng),
        ),
        files=[],
    )  # fmt: skip
    if status in (Status.VERIFIED, Status.RESOLVED):
        workflow.move(workflow.locked(complaint), to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED)
    if status == Status.RESOLVED:
        workflow.move(workflow.locked(complaint), to_status=Status.IN_PROGRESS, event_kind=EventKind.ASSIGNED)
        workflow.move(
            workflow.locked(complaint), to_status=Status.RESOLVED, event_kind=EventKind.RESOLVED,
            public_message="Lampu sudah diganti.", resolved_at=timezone.now(),
        )  # fmt: skip
    return Complaint.objects.get(pk=complaint.pk)


def features(client, bbox=CITY, zoom=16, **params):
    response = client.get("/pengaduan/peta/data.geojson", {"bbox": bbox, "zoom": zoom, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


@pytest.mark.django_db
class TestMapData:
    def test_street_zoom_gives_one_rounded_point_per_public_verified_report(self, client, unit_tree):
        shown = report(unit_tree["satker"], lat="-8.583456", lng="116.116501")
        report(unit_tree["satker"], lat="-8.58", lng="116.11", status=Status.NEW, title="Belum diverifikasi ya")
        report(unit_tree["satker"], lat="-8.58", lng="116.11", visibility="rahasia", title="Laporan rahasia sekali")
        report(unit_tree["satker"], lat="-6.2", lng="106.8", title="Di luar kotak peta ini")
        data = features(client)
        assert data["clustered"] is False and data["truncated"] is False
        [feature] = data["features"]
        assert feature["geometry"]["coordinates"] == [116.117, -8.583]
        props = feature["properties"]
        assert props["id"] == shown.pk and props["status"] == "verified" and props["unit"] == "Satker Tengah"
        body = json.dumps(data)
        assert "Budi" not in body and "budi@" not in body and "rahasia sekali" not in body and "8.583456" not in body

    def test_low_zoom_counts_reports_per_cell(self, client, unit_tree):
        for _ in range(3):
            report(unit_tree["satker"], lat="-8.583", lng="116.116")
        report(unit_tree["satker"], lat="-8.45", lng="116.25")
        data = features(client, zoom=8)
        assert data["clustered"] is True
        counts = sorted(f["properties"]["count"] for f in data["features"])
        assert counts == [1, 3] or counts == [4]  # two cells, or one at this zoom's grid
        assert sum(counts) == 4 and all(f["properties"]["cluster"] for f in data["features"])
        assert sorted(f["properties"]["count"] for f in features(client, zoom=12)["features"]) == [1, 3]

    def test_filters_by_category_unit_and_period(self, client, unit_tree):
        lampu = Category.objects.create(unit=unit_tree["satker"], name="Lampu")
        report(unit_tree["satker"], lat="-8.58", lng="116.11", category=lampu)
        report(unit_tree["kanwil"], lat="-8.59", lng="116.12")
        assert len(features(client, kategori=lampu.pk)["features"]) == 1
        assert len(features(client, unit="kanwil-tengah")["features"]) == 1
        today = timezone.localdate().isoformat()
        assert len(features(client, dari=today)["features"]) == 2
        assert len(features(client, sampai="2000-01-01")["features"]) == 0

    def test_the_answer_is_capped(self, client, unit_tree, monkeypatch):
        monkeypatch.setattr(mapdata, "MAX_POINTS", 2)
        for _ in range(3):
            report(unit_tree["satker"], lat="-8.58", lng="116.11")
        data = features(client)
        assert len(data["features"]) == 2 and data["truncated"] is True

    def test_it_is_cached_until_a_report_changes(self, client, unit_tree, django_assert_num_queries,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            first = report(unit_tree["satker"], lat="-8.58", lng="116.11")
        assert len(features(client)["features"]) == 1
        assert len(features(client, unit="satker-tengah")["features"]) == 1
        assert len(features(client, zoom=8)["features"]) == 1
        with django_assert_num_queries(0):  # both answers (and the unit) come from the caches
            assert len(features(client)["features"]) == 1
            assert len(features(client, unit="satker-tengah")["features"]) == 1
            # a view moved by less than a grid cell shares the answer (the box is snapped to the zoom's grid)
            assert len(features(client, zoom=8, bbox="116.01,-8.69,116.29,-8.41")["features"]) == 1
        with django_capture_on_commit_callbacks(execute=True):
            report(unit_tree["satker"], lat="-8.581", lng="116.111")  # filed, then verified: the map changes
        assert len(features(client)["features"]) == 2
        with django_capture_on_commit_callbacks(execute=True):
            workflow.move(workflow.locked(first), to_status=Status.REJECTED, event_kind=EventKind.REJECTED,
                          reject_reason="spam")  # fmt: skip
        assert len(features(client)["features"]) == 1

    @pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "116.3,-8.7,116.0,-8.4", "0,-95,10,10", "nan,0,1,1"])
    def test_a_bad_bbox_is_a_400_with_a_message(self, client, db, bbox):
        response = client.get("/pengaduan/peta/data.geojson", {"bbox": bbox, "zoom": 16})
        assert response.status_code == 400 and "bbox" in response.json()["detail"]


@pytest.mark.django_db
class TestMapPage:
    def test_the_page_lists_the_same_reports_beside_the_map(self, client, unit_tree):
        report(unit_tree["satker"], lat="-8.583456", lng="116.116501", title="Lampu jalan padam di Jl. Udayana")
        report(unit_tree["satker"], lat="-8.58", lng="116.11", visibility="rahasia", title="Laporan rahasia sekali")
        response = client.get("/pengaduan/peta/")
        html = response.content.decode()
        assert 'data-map="reports"' in html and "Lampu jalan padam di Jl. Udayana" in html
        assert "Dekat -8.583, 116.117" in html and "1 laporan" in html
        assert "rahasia sekali" not in html and "Budi" not in html
        assert "tile.openstreetmap.org" in response["Content-Security-Policy"]
        assert 'type="application/rss+xml"' in html

    def test_the_period_is_picked_with_indonesian_month_names(self, client, unit_tree):
        report(unit_tree["satker"], lat="-8.583456", lng="116.116501", title="Lampu jalan padam di Jl. Udayana")
        today = timezone.localdate()
        html = client.get("/pengaduan/peta/").content.decode()
        assert 'type="date"' not in html and ">Desember</option>" in html and 'name="dari_month"' in html
        later = client.get("/pengaduan/peta/", {"dari_day": 1, "dari_month": 1, "dari_year": today.year + 1})
        assert "Lampu jalan padam" not in later.content.decode()
        assert f"dari={today.year + 1}-01-01" in later.content.decode()  # the map's data asks for the same period
        assert '<option value="1" selected>Januari</option>' in later.content.decode()
        now = client.get(
            "/pengaduan/peta/", {"dari_day": today.day, "dari_month": today.month, "dari_year": today.year}
        )
        assert "Lampu jalan padam" in now.content.decode()

    def test_the_board_offers_the_map_in_a_closed_section(self, client, unit_tree):
        response = client.get("/pengaduan/publik/")
        html = response.content.decode()
        assert '<details class="board-map">' in html and 'data-map="reports"' in html
        assert "tile.openstreetmap.org" in response["Content-Security-Policy"]

    def test_other_pages_do_not_allow_the_tile_host(self, client, unit_tree):
        assert "tile.openstreetmap.org" not in client.get("/pengaduan/lacak/")["Content-Security-Policy"]

    def test_a_configured_tile_server_is_the_one_allowed(self, client, unit_tree, settings):
        from humas.settings import _map_policy

        settings.MAP_TILE_URL = "https://{s}.tiles.example.go.id/{z}/{x}/{y}.png"
        settings.CONTENT_SECURITY_POLICY_MAP = _map_policy(settings.CONTENT_SECURITY_POLICY, settings.MAP_TILE_URL)
        response = client.get("/pengaduan/peta/")
        assert "img-src 'self' data: https://*.tiles.example.go.id" in response["Content-Security-Policy"]
        assert 'data-tile-url="https://{s}.tiles.example.go.id/{z}/{x}/{y}.png"' in response.content.decode()


@pytest.mark.django_db
class TestFeed:
    def test_new_and_resolved_public_reports_per_unit_and_category(self, client, unit_tree):
        lampu = Category.objects.create(unit=unit_tree["satker"], name="Lampu")
        report(unit_tree["satker"], lat="-8.58", lng="116.11", title="Lampu padam di Jalan Udayana", category=lampu)
        report(unit_tree["satker"], lat="-8.58", lng="116.11", title="Jalan berlubang sudah diperbaiki",
               status=Status.RESOLVED)  # fmt: skip
        report(unit_tree["other"], lat="-8.58", lng="116.41", title="Laporan di unit lain sama sekali")
        report(unit_tree["satker"], lat="-8.58", lng="116.11", visibility="rahasia", title="Laporan rahasia sekali")
        response = client.get("/pengaduan/publik/rss/", {"unit": "kanwil-tengah"})
        assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
        channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert "[Laporan baru] Lampu padam di Jalan Udayana" in titles
        assert "[Selesai] Jalan berlubang sudah diperbaiki" in titles
        assert not any("unit lain" in t or "rahasia" in t for t in titles)
        assert "Lampu sudah diganti." in response.content.decode() and b"Budi" not in response.content
        by_category = client.get("/pengaduan/publik/rss/", {"kategori": lampu.pk}).content.decode()
        assert "Lampu padam" in by_category and "berlubang" not in by_category
        assert client.get("/pengaduan/publik/rss/", {"unit": "tidak-ada"}).status_code == 404
        assert client.get("/pengaduan/publik/rss/", {"kategori": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_rahasia_report_is_absent_from_the_map_the_board_and_the_feed(client, unit_tree):
    secret = report(
        unit_tree["satker"], lat="-8.58", lng="116.11", visibility="rahasia", title="Laporan rahasia sekali"
    )
    assert secret.status == Status.VERIFIED
    for body in (
        client.get("/pengaduan/publik/").content,
        client.get("/pengaduan/peta/").content,
        client.get("/pengaduan/peta/data.geojson", {"bbox": CITY, "zoom": 16}).content,
        client.get("/pengaduan/publik/rss/").content,
    ):
        assert b"rahasia sekali" not in body
    assert features(client, zoom=6)["features"] == []  # not even counted in a cluster


@pytest.mark.django_db
def test_clusters_from_the_cell_counts_match_those_counted_from_the_reports(unit_tree):
    from datetime import date

    from complaints.reporting import summaries

    points = [("-8.583", "116.116"), ("-8.584", "116.117"), ("-8.45", "116.25"), ("-8.61", "116.02"), ("-8.5", "116.2")]
    for index, (lat, lng) in enumerate(points):
        report(unit_tree["satker" if index % 2 else "kanwil"], lat=lat, lng=lng)
    report(unit_tree["satker"], lat="-8.5", lng="116.2", status=Status.NEW)
    report(unit_tree["satker"], lat="-8.5", lng="116.2", visibility="rahasia")
    for zoom in (6, 9, 11, 13):
        query = mapdata.MapQuery(west=115.9, south=-8.8, east=116.4, north=-8.3, zoom=zoom).snapped()
        live = mapdata.build(mapdata.MapQuery(**{**query.__dict__, "since": date(2000, 1, 1)}))["features"]
        counted = mapdata.counted_clusters(query)

        def key(feature):
            return feature["properties"]["count"], feature["geometry"]["coordinates"]

        assert sorted(map(key, counted)) == sorted(map(key, live)), zoom
        assert sum(f["properties"]["count"] for f in counted) == 5
    summaries.rebuild()  # the same after a rebuild from the reports
    query = mapdata.MapQuery(west=115.9, south=-8.8, east=116.4, north=-8.3, zoom=11).snapped()
    assert sum(f["properties"]["count"] for f in mapdata.counted_clusters(query)) == 5
