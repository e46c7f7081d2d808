"""The console's area upload: a humas admin of the unit gives it a GeoJSON area, checked before it is stored."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_staff
from humas.models import Unit
from humas.tests.areas import KANWIL

URL = "/staf/unit/kanwil-tengah/wilayah/"


def geojson(document, name="wilayah.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode(), content_type="application/geo+json")


@pytest.mark.django_db
class TestAreaUpload:
    def test_an_admin_uploads_an_area_and_sees_it_on_the_units_page(self, client, admin):
        client.force_login(admin)
        feature = {"type": "Feature", "properties": {"name": "x"}, "geometry": KANWIL}
        response = client.post(URL, {"area_file": geojson(feature)})
        assert response.status_code == 302
        unit = Unit.objects.get(slug="kanwil-tengah")
        assert unit.area["type"] == "Polygon" and (unit.area_south, unit.area_east) == (-8.7, 116.3)
        page = client.get(URL)
        assert 'data-map="area"' in page.content.decode() and "Wilayah saat ini: lintang -8" in page.content.decode()
        assert "tile.openstreetmap.org" in page["Content-Security-Policy"]
        assert "memiliki wilayah" in client.get("/staf/unit/kanwil-tengah/").content.decode()

    def test_the_area_can_be_removed(self, client, admin):
        client.force_login(admin)
        client.post(URL, {"area_file": geojson(KANWIL)})
        assert client.post(URL, {"remove": "on"}).status_code == 302
        assert Unit.objects.get(slug="kanwil-tengah").area is None

    @pytest.mark.parametrize(
        ("document", "message"),
        [
            ({"type": "Point", "coordinates": [116.1, -8.5]}, "harus berupa Polygon atau MultiPolygon"),
            ({"type": "Polygon", "coordinates": [[[116, -8], [117, -9], [117, -8], [116, -9], [116, -8]]]},
             "bukan poligon yang sah"),
        ],
    )  # fmt: skip
    def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_stored(self, client, admin, document, message):
        client.force_login(admin)
        response = client.post(URL, {"area_file": geojson(document)})
        assert response.status_code == 400 and message in response.content.decode()
        assert Unit.objects.get(slug="kanwil-tengah").area is None

    def test_a_huge_file_is_refused_before_it_is_read(self, client, admin):
        client.force_login(admin)
        big = SimpleUploadedFile("big.geojson", b" " * (6 * 1024 * 1024), content_type="application/json")
        response = client.post(URL, {"area_file": big})
        assert response.status_code == 400 and "terlalu besar" in response.content.decode()

    def test_an_officer_may_not_and_another_units_admin_sees_nothing(self, client, officer, unit_tree):
        client.force_login(officer)
        assert client.post(URL, {"area_file": geojson(KANWIL)}).status_code == 403
        client.force_login(make_staff("admin_timur", "admin", unit_tree["other"]))
        assert client.get(URL).status_code == 404
        assert Unit.objects.get(slug="kanwil-tengah").area is None
