from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from humas import geo
from humas.models import Unit
from humas.tests.areas import OTHER, mapped_tree, rectangle
from humas.units import unit_for_point


@pytest.fixture
def mapped(unit_tree):
    return mapped_tree(unit_tree)


@pytest.mark.django_db
def test_a_point_goes_to_the_smallest_unit_whose_area_holds_it(mapped):
    assert unit_for_point(-8.55, 116.12) == mapped["satker"]  # inside satker, inside kanwil: the smaller wins
    assert unit_for_point(-8.65, 116.05) == mapped["kanwil"]  # kanwil only
    assert unit_for_point(-8.45, 116.45) == mapped["other"]


@pytest.mark.django_db
def test_a_point_in_a_hole_belongs_to_the_unit_around_it(mapped):
    assert unit_for_point(-8.55, 116.15) == mapped["kanwil"]


@pytest.mark.django_db
def test_a_point_on_a_boundary_belongs_to_the_area(mapped):
    assert unit_for_point(-8.6, 116.15) == mapped["satker"]  # on satker's southern edge
    assert unit_for_point(-8.56, 116.15) == mapped["satker"]  # on the hole's edge: still satker's ring
    # on the edge kanwil and other share both areas hold it: the smaller (other's) wins
    assert unit_for_point(-8.5, 116.3) == mapped["other"]


@pytest.mark.django_db
def test_a_point_outside_every_area_and_inactive_units_match_nothing(mapped):
    assert unit_for_point(-6.2, 106.8) is None
    Unit.objects.filter(pk=mapped["satker"].pk).update(is_active=False)
    assert unit_for_point(-8.55, 116.12) == mapped["kanwil"]


@pytest.mark.django_db
def test_routing_takes_one_query(mapped, django_assert_num_queries):
    with django_assert_num_queries(1):
        unit_for_point(-8.55, 116.12)


def test_a_feature_collection_of_one_polygon_is_read_and_simplified():
    ring = [[116.0 + i * 0.00001, -8.7] for i in range(1000)] + [[116.3, -8.7], [116.3, -8.4], [116.0, -8.4]]
    ring.append(ring[0])
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [ring]}}]}  # fmt: skip
    area = geo.parse_area(json.dumps(doc).encode())
    assert (area.south, area.west, area.north, area.east) == (-8.7, 116.0, -8.4, 116.3)
    assert len(area.display["coordinates"][0]) < 10 < len(area.geometry["coordinates"][0])


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"type": "Point", "coordinates": [116.1, -8.5]}, "not_polygon"),
        ({"type": "LineString", "coordinates": [[116.1, -8.5], [116.2, -8.6]]}, "not_polygon"),
        # a bow tie: its edges cross
        ({"type": "Polygon", "coordinates": [[[116, -8], [117, -9], [117, -8], [116, -9], [116, -8]]]}, "invalid"),
        (
            {"type": "Polygon", "coordinates": [[[1160000, -8], [1170000, -9], [1170000, -8], [1160000, -8]]]},
            "not_wgs84",
        ),
        ({"type": "Polygon", "coordinates": "nope"}, "bad_coordinates"),
        ({"type": "FeatureCollection", "features": []}, "feature_count"),
        ([1, 2], "not_geojson"),
    ],
)
def test_bad_areas_are_refused_with_a_reason(document, code):
    with pytest.raises(ValidationError) as caught:
        geo.parse_area(json.dumps(document).encode())
    assert caught.value.code == code


def test_a_file_that_is_not_json_or_too_large_is_refused():
    with pytest.raises(ValidationError) as caught:
        geo.parse_area(b"<kml/>")
    assert caught.value.code == "bad_json"
    with pytest.raises(ValidationError) as caught:
        geo.parse_area(b" " * (geo.MAX_AREA_BYTES + 1))
    assert caught.value.code == "too_large"


def test_a_multipolygon_is_accepted():
    outer = rectangle(-8.7, 116.3, -8.4, 116.5)["coordinates"]
    second = rectangle(-8.3, 116.6, -8.2, 116.7)["coordinates"]
    area = geo.area_from_geometry({"type": "MultiPolygon", "coordinates": [outer, second]})
    assert area.geometry["type"] == "MultiPolygon" and area.north == -8.2
    assert geo.area_from_geometry(OTHER).size < area.size


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [(Decimal("-8.5"), None, "half_point"), (Decimal("48.85"), Decimal("2.35"), "outside_country")],
)
def test_points_outside_the_country_or_half_given_are_refused(lat, lng, code):
    with pytest.raises(ValidationError) as caught:
        geo.check_point(lat, lng)
    assert caught.value.code == code


def test_public_coordinates_are_rounded_to_about_a_hundred_metres():
    assert geo.public_coordinate(Decimal("-8.583456")) == -8.583
    assert geo.public_coordinate(Decimal("116.116501")) == 116.117
    assert geo.public_coordinate(None) is None
