"""A report's point: the form's fields without JavaScript, their checks, routing by the units' areas."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from complaints.models import Complaint
from humas.tests.areas import mapped_tree

from .conftest import form_data


@pytest.fixture
def mapped(unit_tree):
    return mapped_tree(unit_tree)


def filed(response) -> Complaint:
    assert response.status_code == 302, response.content.decode()[:3000]
    return Complaint.objects.get(pk=int(re.search(r"/terkirim/(\d+)/", response["Location"]).group(1)))


@pytest.mark.django_db
class TestTheFormWithoutJavaScript:
    def test_it_offers_plain_latitude_and_longitude_fields_and_the_picker_stays_hidden(self, client, mapped):
        response = client.get("/pengaduan/")
        html = response.content.decode()
        assert 'name="latitude"' in html and 'name="longitude"' in html
        assert re.search(r"<button[^>]*data-picker-open hidden", html)  # shown by the script only
        assert 'id="unit-areas"' in html and '"satker-tengah": [-8.6, 116.1, -8.5, 116.2]' in html
        # no map script or tile is fetched before a map is shown: only map.js, which loads Leaflet on a click
        assert "leaflet.js" not in re.sub(r'data-leaflet-js="[^"]*"', "", html)
        assert "tile.openstreetmap.org" in response["Content-Security-Policy"]
        assert "geolocation=(self)" in response["Permissions-Policy"]

    def test_a_point_with_no_chosen_unit_goes_to_the_unit_of_that_area(self, client, mapped):
        complaint = filed(client.post("/pengaduan/", form_data(unit="", latitude="-8.551234", longitude="116.12")))
        assert complaint.unit == mapped["satker"]
        assert complaint.latitude == Decimal("-8.551234") and complaint.longitude == Decimal("116.120000")

    def test_a_chosen_unit_wins_over_the_area(self, client, mapped):
        data = form_data(unit="kanwil-timur", latitude="-8.55", longitude="116.12")
        complaint = filed(client.post("/pengaduan/", data))
        assert complaint.unit == mapped["other"]

    def test_with_a_category_the_point_picks_among_its_unit_and_the_units_below(self, client, mapped):
        from complaints.models import Category

        jalan = Category.objects.create(unit=mapped["kanwil"], name="Jalan rusak")
        # in satker's area, below the category's kanwil: satker takes it
        inside = filed(client.post("/pengaduan/", form_data(unit="", category=jalan.pk, latitude="-8.55",
                                                             longitude="116.12")))  # fmt: skip
        assert inside.unit == mapped["satker"] and inside.category == jalan
        # in the other kanwil's area, not below the category's unit: the category's unit keeps it
        across = filed(client.post("/pengaduan/", form_data(unit="", category=jalan.pk, latitude="-8.45",
                                                             longitude="116.45")))  # fmt: skip
        assert across.unit == mapped["kanwil"]

    def test_a_point_outside_every_area_goes_to_the_root_unit(self, client, mapped):
        complaint = filed(client.post("/pengaduan/", form_data(unit="", latitude="-6.2", longitude="106.8")))
        assert complaint.unit == mapped["root"]

    def test_a_report_without_a_point_is_filed_as_before(self, client, mapped):
        complaint = filed(client.post("/pengaduan/", form_data(unit="")))
        assert complaint.latitude is None and complaint.unit == mapped["root"]

    @pytest.mark.parametrize(
        ("lat", "lng", "field", "message"),
        [
            ("-95", "116.1", "latitude", "lebih besar dari atau sama dengan -90"),
            ("48.85", "2.35", "latitude", "di luar wilayah negara"),
            ("-8.5", "", "longitude", "garis lintang dan garis bujur"),
            ("abc", "116.1", "latitude", "Masukkan sebuah bilangan"),
        ],
    )
    def test_bad_coordinates_are_refused_with_a_message_and_nothing_typed_is_lost(
        self, client, mapped, lat, lng, field, message
    ):
        response = client.post("/pengaduan/", form_data(latitude=lat, longitude=lng))
        assert response.status_code == 400
        html = response.content.decode()
        assert re.search(rf'id="id_{field}_error">[^<]*{message}', html, re.IGNORECASE), html[:200]
        assert "Jalan berlubang di depan pasar" in html and f'value="{lat}"' in html
        assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_api_takes_the_same_point_and_routes_the_same_way(client, mapped):
    data = form_data(unit="", latitude="-8.65", longitude="116.05")
    response = client.post("/api/v1/complaints/", data)
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == mapped["kanwil"].name
