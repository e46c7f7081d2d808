"""Places: a unit's area (a GeoJSON polygon or multipolygon, checked and simplified with shapely), which unit's
area holds a point, and the country's bounding box a reported point must fall in.

Geometry is plain shapely over GeoJSON kept in a JSON field, so the embedded SQLite mode runs exactly what
PostgreSQL runs (no PostGIS). Each area also stores its bounding box in four indexed columns: a point is
matched in SQL against the boxes first, and shapely decides only among the few units whose box holds it.

Rules of routing (`unit_for_point`): the smallest active unit (by area) whose area *covers* the point wins, so
a sub-unit inside its parent's area takes the reports of its own area; a point on a boundary belongs to the
area (covers, not contains); a point in a hole belongs to no area of that unit; between two units of the
same size sharing a boundary, the lower id wins (stable)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import Point, mapping, shape

MAX_AREA_BYTES = 5 * 1024 * 1024  # an uploaded GeoJSON file
MAX_AREA_VERTICES = 200_000
DISPLAY_TOLERANCE = 0.0005  # degrees, about 50 m: the simplified outline shown on maps
PUBLIC_DECIMALS = 3  # a public coordinate is rounded to 0.001° (about 110 m at the equator)


@dataclass(frozen=True)
class Area:
    """A checked area: the GeoJSON geometry to store, its simplified outline and its bounding box."""

    geometry: dict
    display: dict
    south: float
    west: float
    north: float
    east: float
    size: float  # in square degrees; only compared with other areas


def _geometry_of(document) -> dict:
    """The one geometry of a GeoJSON document: a bare geometry, a Feature, or a FeatureCollection of one."""
    if not isinstance(document, dict):
        raise ValidationError(_("The file is not a GeoJSON object."), code="not_geojson")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise ValidationError(
                _("The file must hold exactly one area (one feature); this one holds %(count)s.")
                % {"count": len(features) if isinstance(features, list) else 0},
                code="feature_count",
            )
        document = features[0]
        kind = document.get("type") if isinstance(document, dict) else None
    if kind == "Feature":
        document = document.get("geometry")
        kind = document.get("type") if isinstance(document, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValidationError(
            _("The area must be a Polygon or MultiPolygon; this file holds a %(kind)s.") % {"kind": kind or "?"},
            code="not_polygon",
        )
    return document


def parse_area(raw: bytes | str) -> Area:
    """Check an uploaded GeoJSON file and return its area; ValidationError with a message for the user."""
    if len(raw) > MAX_AREA_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(max)d MB).") % {"max": MAX_AREA_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The file is not valid GeoJSON (JSON could not be read)."), code="bad_json") from None
    return area_from_geometry(_geometry_of(document))


def area_from_geometry(geometry: dict) -> Area:
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
        raise ValidationError(_("The area's coordinates cannot be read."), code="bad_coordinates") from None
    if geom.is_empty:
        raise ValidationError(_("The area is empty."), code="empty")
    if shapely.get_num_coordinates(geom) > MAX_AREA_VERTICES:
        raise ValidationError(
            _("The area has too many points (at most %(max)s); simplify it first.") % {"max": MAX_AREA_VERTICES},
            code="too_many_points",
        )
    if not geom.is_valid:
        raise ValidationError(
            _("The area is not a valid polygon (%(reason)s); for example its edges cross themselves.")
            % {"reason": shapely.is_valid_reason(geom)},
            code="invalid",
        )
    west, south, east, north = geom.bounds
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise ValidationError(
            _("The area's coordinates are not longitude/latitude in degrees (WGS 84)."), code="not_wgs84"
        )
    display = geom.simplify(DISPLAY_TOLERANCE, preserve_topology=True)
    if display.is_empty or not display.is_valid:
        display = geom
    return Area(
        geometry=mapping(geom),
        display=_rounded(mapping(display)),
        south=south,
        west=west,
        north=north,
        east=east,
        size=geom.area,
    )


def _rounded(geometry: dict, digits: int = 5) -> dict:
    """GeoJSON with coordinates rounded (about 1 m) and as lists, for a small JSON answer."""

    def walk(value):
        if isinstance(value, list | tuple):
            if value and isinstance(value[0], int | float):
                return [round(float(v), digits) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def covering(candidates, lat: float, lng: float):
    """Of `candidates` (objects with `area` GeoJSON, `area_size` and `pk`), the smallest whose area covers the
    point, or None. Candidates are already those whose bounding box holds the point."""
    point = Point(lng, lat)
    best = None
    for candidate in candidates:
        try:
            if not shape(candidate.area).covers(point):
                continue
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
            continue  # a stored area that no longer reads is skipped, never a failed report
        if best is None or (candidate.area_size, candidate.pk) < (best.area_size, best.pk):
            best = candidate
    return best


# --- points ------------------------------------------------------------------------------------------------


def country_bounds() -> tuple[float, float, float, float]:
    """(south, west, north, east) of the country, from MAP_COUNTRY_BBOX."""
    return settings.MAP_COUNTRY_BBOX


def check_point(lat: Decimal | float | None, lng: Decimal | float | None) -> None:
    """Both or neither; inside the country's box. ValidationError naming the problem."""
    if lat is None and lng is None:
        return
    if lat is None or lng is None:
        raise ValidationError(_("Give both the latitude and the longitude, or neither."), code="half_point")
    south, west, north, east = country_bounds()
    if not (south <= float(lat) <= north and west <= float(lng) <= east):
        raise ValidationError(
            _("This point lies outside the country (latitude %(south)s to %(north)s, longitude %(west)s to %(east)s).")
            % {"south": south, "north": north, "west": west, "east": east},
            code="outside_country",
        )


def public_coordinate(value: Decimal | float | None) -> float | None:
    """A coordinate as shown to the public: rounded to about 100 m."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-PUBLIC_DECIMALS)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))
