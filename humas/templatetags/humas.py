"""Template helpers: Indonesian dates in a unit's zone, access checks, slots filled by the apps."""

from __future__ import annotations

import json
from datetime import date, datetime

from django import template
from django.conf import settings

from .. import access, dates, slots

register = template.Library()


@register.filter
def local_datetime(value: datetime | None, tz_name: str | None = None) -> str:
    """{{ complaint.created_at|local_datetime:unit.time_zone }} → 'Kamis, 26 September 2019 13:48 WITA'."""
    if not value:
        return ""
    return dates.format_datetime(value, tz_name)


@register.filter
def local_date(value: date | datetime | None, tz_name: str | None = None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = dates.to_local(value, tz_name)
    return dates.format_date(value)


@register.simple_tag(takes_context=True)
def can(context, action: str, obj) -> bool:
    """{% can "unit.manage" unit as may_edit %}"""
    return access.can(context["request"].user, action, obj)


@register.simple_tag(takes_context=True)
def slot(context, name: str, **values):
    """{% slot "unit_contact" unit=unit %}: whatever the apps registered for that place."""
    return slots.render(name, context["request"], **values)


@register.filter
def get_item(mapping, key):
    """{{ by_id|get_item:obj.pk }}: a dict look-up with a variable key (empty list when missing)."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


@register.inclusion_tag("humas/_map_assets.html")
def map_assets():
    """{% map_assets %} on a page that may show a map: where Leaflet and the tiles are, and static/js/map.js.
    Nothing of the map loads until the script shows one (humas.security.shows_map allows the tile host)."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "country": json.dumps(list(settings.MAP_COUNTRY_BBOX)),
    }
