"""Staff side of places: the queue on a map (exact points, the queue's scope) and reports near this one."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.handling import queue
from complaints.models import Complaint
from complaints.public import intake


def filed(unit, lat, lng, title="Lampu jalan padam di depan pasar") -> Complaint:
    return intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="complaint", title=title, description="Uraian laporan yang cukup panjang untuk lolos validasi.",
            unit=unit, identity_mode="anonymous", consent=True, latitude=Decimal(lat), longitude=Decimal(lng),
        ),
        files=[],
    )  # fmt: skip


def test_distance_is_in_metres():
    assert 195 < queue.distance_m(-8.58, 116.11, -8.58, 116.1118) < 200  # 0.0018° of longitude near Mataram
    assert queue.distance_m(-8.58, 116.11, -8.58, 116.11) == 0


@pytest.mark.django_db
class TestNearby:
    def test_reports_within_200_m_and_30_days_in_the_users_scope_nearest_first(self, client, officer, unit_tree):
        here = filed(unit_tree["kanwil"], "-8.580000", "116.110000")
        close = filed(unit_tree["satker"], "-8.580500", "116.110500", title="Lampu jalan kedua yang padam")
        farther = filed(unit_tree["kanwil"], "-8.581500", "116.110000", title="Lampu ketiga agak jauh")
        filed(unit_tree["kanwil"], "-8.583000", "116.110000", title="Terlalu jauh, 330 meter")
        old = filed(unit_tree["kanwil"], "-8.580100", "116.110000", title="Sudah lama sekali")
        Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
        filed(unit_tree["other"], "-8.580100", "116.110000", title="Unit lain, tidak terlihat")
        assert [(c.pk, m) for c, m in queue.nearby(officer, here)] == [(close.pk, 78), (farther.pk, 167)]
        client.force_login(officer)
        html = client.get(f"/staf/pengaduan/{here.pk}/").content.decode()
        assert "78 m dari sini" in html and "Laporan di dekat laporan ini (dalam 200 m, 30 hari terakhir)" in html
        assert "Lampu jalan kedua yang padam" in html and "Unit lain" not in html
        assert "-8.580000, 116.110000" in html  # the exact point, for staff

    def test_a_report_without_a_point_has_no_neighbours(self, officer, unit_tree):
        complaint = filed(unit_tree["kanwil"], "-8.58", "116.11")
        Complaint.objects.filter(pk=complaint.pk).update(latitude=None, longitude=None)
        complaint.refresh_from_db()
        assert queue.nearby(officer, complaint) == []


@pytest.mark.django_db
class TestQueueMap:
    def test_it_shows_the_scopes_reports_with_their_exact_points(self, client, officer, unit_tree):
        mine = filed(unit_tree["satker"], "-8.583456", "116.116501")
        filed(unit_tree["other"], "-8.59", "116.12", title="Unit lain, tidak terlihat")
        client.force_login(officer)
        response = client.get("/staf/pengaduan/peta/")
        assert response.status_code == 200
        html = response.content.decode()
        data = json.loads(re.search(r'<script id="queue-points" type="application/json">(.*?)</script>', html).group(1))
        assert [f["properties"]["url"] for f in data["features"]] == [f"/staf/pengaduan/{mine.pk}/"]
        assert data["features"][0]["geometry"]["coordinates"] == [116.116501, -8.583456]
        assert "tile.openstreetmap.org" in response["Content-Security-Policy"]
        assert 'href="/staf/pengaduan/peta/' in client.get("/staf/pengaduan/").content.decode()
        assert "1 laporan bertitik lokasi" in html

    def test_the_public_and_accounts_without_a_role_get_nothing(self, client, citizen):
        assert client.get("/staf/pengaduan/peta/").status_code == 302
        client.force_login(citizen)
        assert client.get("/staf/pengaduan/peta/").status_code == 403
