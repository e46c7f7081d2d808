"""The public map's data: the public reports in a bounding box as GeoJSON, one point per report at street
zoom and counted per grid cell below it, capped, cached under a version that every change staff make to a
report bumps on commit (complaints.reporting.summaries.record_change; a new report is not on the map). As with
the newsroom's pages, each process re-reads the version at most every MAP_VERSION_CHECK_SECONDS and keeps hot
answers in its own memory in front of Redis.

Only public reports staff have verified (the public board's); coordinates rounded to about 100 m
(humas.geo.public_coordinate); a report's title, status, category, unit and date; never an identity."""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache, caches
from django.db.models import Avg, Count, FloatField, QuerySet, Sum, Value
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import BOARD_STATUSES, Complaint, MapCount, Status, Visibility
from humas import geo

VERSION_KEY = "complaints:map-version"
MAP_VERSION_CHECK_SECONDS = 1.0
CACHE_SECONDS = 300
CLUSTER_BELOW_ZOOM = 14  # from this zoom on, one marker per report
MAX_POINTS = 500  # markers in one answer; more answer `truncated: true` (the newest first)
CELLS_PER_TILE = 4  # clusters: a grid of 4×4 cells per map tile of the zoom
BASE_ZOOM = 13  # complaints.models.MapCount's grid: the cells of this zoom, added up for the zooms below it
BASE_CELL = 360 / 2**BASE_ZOOM / CELLS_PER_TILE


@dataclass(frozen=True)
class MapQuery:
    west: float
    south: float
    east: float
    north: float
    zoom: int
    unit: str = ""
    category: int | None = None
    since: date | None = None
    until: date | None = None

    def cell(self) -> float:
        """The grid cell in degrees at this zoom (a tile is 360 / 2^zoom degrees wide)."""
        return 360 / (2**self.zoom) / CELLS_PER_TILE

    def snapped(self) -> MapQuery:
        """The box widened to whole grid cells, so that nearby views share one cached answer."""
        cell = self.cell()
        return MapQuery(
            west=max(-180.0, math.floor(self.west / cell) * cell),
            south=max(-90.0, math.floor(self.south / cell) * cell),
            east=min(180.0, math.ceil(self.east / cell) * cell),
            north=min(90.0, math.ceil(self.north / cell) * cell),
            zoom=self.zoom,
            unit=self.unit,
            category=self.category,
            since=self.since,
            until=self.until,
        )


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """'west,south,east,north' in degrees; ValueError with a message for the user."""
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(_("bbox must be four numbers: west,south,east,north.")) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
        -180 <= west < east <= 180 and -90 <= south < north <= 90
    ):
        raise ValueError(_("bbox must be west,south,east,north in degrees, west < east and south < north."))
    return west, south, east, north


# --- the version ------------------------------------------------------------------------------------------------


def current_version() -> int | None:
    local = caches["local"]
    value = local.get(VERSION_KEY)
    if value is None:
        value = cache.get(VERSION_KEY)
        if value is None:
            cache.add(VERSION_KEY, int(time.time() * 1000), None)
            value = cache.get(VERSION_KEY)
        value = int(value) if value is not None else 0
        local.set(VERSION_KEY, value, MAP_VERSION_CHECK_SECONDS)
    return value or None


def bump_version() -> None:
    """Every cached map answer becomes stale (on commit of a filing or a status change)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), None)
    caches["local"].delete(VERSION_KEY)


# --- the answer ---------------------------------------------------------------------------------------------------


def public_reports(query: MapQuery) -> QuerySet[Complaint]:
    found = Complaint.objects.filter(
        visibility=Visibility.PUBLIC,
        status__in=BOARD_STATUSES,
        latitude__isnull=False,
        latitude__gte=query.south,
        latitude__lte=query.north,
        longitude__gte=query.west,
        longitude__lte=query.east,
    )
    if query.unit:
        found = found.filter(unit__slug=query.unit)
    if query.category:
        found = found.filter(category_id=query.category)
    # whole days in the site's zone, as bounds on the column itself (its index stays usable)
    zone = timezone.get_current_timezone()
    if query.since:
        found = found.filter(created_at__gte=datetime.combine(query.since, datetime.min.time(), zone))
    if query.until:
        found = found.filter(
            created_at__lt=datetime.combine(query.until + timedelta(days=1), datetime.min.time(), zone)
        )
    return found


def _point(lng, lat, properties: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": properties}


def _cluster(lat: float, lng: float, count: int) -> dict:
    return _point(
        geo.public_coordinate(lng),
        geo.public_coordinate(lat),
        {"cluster": True, "count": count, "label": _("%(count)d reports") % {"count": count}},
    )


def counted_clusters(query: MapQuery) -> list[dict]:
    """The clusters from the per-cell counts (complaints.models.MapCount): the base grid's cells in view, added up
    into the zoom's cells in SQL; as many rows as cells with reports in view, whatever the number of reports."""
    ratio = float(2 ** max(BASE_ZOOM - query.zoom, 0))
    cells = MapCount.objects.filter(
        count__gt=0,
        cell_x__gte=math.floor(query.west / BASE_CELL),
        cell_x__lt=math.ceil(query.east / BASE_CELL),
        cell_y__gte=math.floor(query.south / BASE_CELL),
        cell_y__lt=math.ceil(query.north / BASE_CELL),
    )
    if query.unit:
        cells = cells.filter(unit__slug=query.unit)
    if query.category:
        cells = cells.filter(category_id=query.category)
    groups = (
        cells.annotate(
            gx=Floor(Cast("cell_x", FloatField()) / Value(ratio)), gy=Floor(Cast("cell_y", FloatField()) / Value(ratio))
        )
        .values("gx", "gy")
        .annotate(n=Sum("count"), lat=Sum("lat_sum"), lng=Sum("lng_sum"))
        .order_by()
    )
    return [_cluster(g["lat"] / g["n"], g["lng"] / g["n"], g["n"]) for g in groups]


def build(query: MapQuery) -> dict:
    found = public_reports(query)
    if query.zoom < CLUSTER_BELOW_ZOOM and query.since is None and query.until is None:
        return {"type": "FeatureCollection", "features": counted_clusters(query), "clustered": True, "truncated": False}
    if query.zoom < CLUSTER_BELOW_ZOOM:  # a period: counted from the reports themselves
        # in floating point: numeric arithmetic over every report of a city costs several times more
        cell = Value(query.cell(), output_field=FloatField())
        lat, lng = Cast("latitude", FloatField()), Cast("longitude", FloatField())
        groups = (
            found.annotate(cx=Floor(lng / cell), cy=Floor(lat / cell))
            .values("cx", "cy")
            .annotate(n=Count("pk"), lat=Avg(lat), lng=Avg(lng))
            .order_by()
        )
        features = [_cluster(group["lat"], group["lng"], group["n"]) for group in groups]
        return {"type": "FeatureCollection", "features": features, "clustered": True, "truncated": False}
    rows = list(
        found.select_related("unit", "category")
        .only("pk", "title", "status", "created_at", "latitude", "longitude", "unit__name", "category__name")
        .order_by("-created_at", "-pk")[: MAX_POINTS + 1]
    )
    features = [
        _point(
            geo.public_coordinate(row.longitude),
            geo.public_coordinate(row.latitude),
            {
                "id": row.pk,
                "title": row.title,
                "status": row.status,
                "status_label": str(Status(row.status).label),
                "category": row.category.name if row.category else "",
                "unit": row.unit.name,
                "date": row.created_at.date().isoformat(),
            },
        )
        for row in rows[:MAX_POINTS]
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "clustered": False,
        "truncated": len(rows) > MAX_POINTS,
    }


def answer(query: MapQuery, language: str) -> bytes:
    """The GeoJSON bytes for the snapped query, from the cache or built and stored."""
    query = query.snapped()
    version = current_version()
    key = None
    if version is not None:
        digest = hashlib.blake2b(repr((query, language)).encode(), digest_size=16).hexdigest()
        key = f"complaints:map:{version}:{digest}"
        local = caches["local"]
        body = local.get(key)
        if body is None:
            body = cache.get(key)
            if body is not None:
                local.set(key, body, CACHE_SECONDS)
        if body is not None:
            return body
    body = json.dumps(build(query), ensure_ascii=False, separators=(",", ":")).encode()
    if key is not None:
        caches["local"].set(key, body, CACHE_SECONDS)
        cache.set(key, body, CACHE_SECONDS)
    return body
