"""Areas for tests: rectangles (with holes) around Mataram, given to units as the console would."""

from __future__ import annotations

from humas import geo
from humas.models import Unit
from humas.units import AREA_FIELDS


def rectangle(south: float, west: float, north: float, east: float, *holes: tuple) -> dict:
    def ring(s, w, n, e):
        return [[w, s], [e, s], [e, n], [w, n], [w, s]]

    return {"type": "Polygon", "coordinates": [ring(south, west, north, east), *(ring(*h) for h in holes)]}


def give_area(unit: Unit, geometry: dict) -> Unit:
    area = geo.area_from_geometry(geometry)
    values = dict(
        zip(
            AREA_FIELDS,
            [area.geometry, area.display, area.south, area.west, area.north, area.east, area.size],
            strict=True,
        )
    )
    Unit.objects.filter(pk=unit.pk).update(**values)
    unit.refresh_from_db()
    return unit


# kanwil: the island's west; satker inside it with a hole (a lake); other kanwil east, sharing lng 116.3
KANWIL = rectangle(-8.7, 116.0, -8.4, 116.3)
SATKER = rectangle(-8.6, 116.1, -8.5, 116.2, (-8.56, 116.14, -8.54, 116.16))
OTHER = rectangle(-8.7, 116.3, -8.4, 116.5)


def mapped_tree(unit_tree: dict) -> dict:
    give_area(unit_tree["kanwil"], KANWIL)
    give_area(unit_tree["satker"], SATKER)
    give_area(unit_tree["other"], OTHER)
    return unit_tree
