"""Services that change units. Views, the admin and commands call these; none writes a Unit itself."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.utils.translation import gettext as _

from . import access, geo
from .context_processors import forget_site_identity
from .errors import Refused
from .models import Unit
from .uploads import clean_image

CONTACT_FIELDS = ("address", "email", "phone")

# Active units by slug, read by every report filed (the unit field): each process keeps the units it was
# asked for a minute in its own memory (the "local" cache, one entry per unit) and forgets one when it is
# saved or deleted (humas.signals); other processes see the change within the minute. A slug not kept is
# looked up in the database, so a unit made a moment ago in another process is found at once.
ACTIVE_UNIT_SECONDS = 60
_SLUG = re.compile(r"[-\w]{1,100}")


def _active_unit_key(slug: str) -> str:
    return f"humas:active-unit:{slug}"


def active_unit(slug: str) -> Unit | None:
    """The active unit with this slug, or None. Each call returns its own copy (callers may change it)."""
    if not _SLUG.fullmatch(slug):
        return None
    local = caches["local"]
    unit = local.get(_active_unit_key(slug))
    if unit is None:
        unit = Unit.objects.active().filter(slug=slug).first()
        if unit is not None:
            local.set(_active_unit_key(slug), unit, ACTIVE_UNIT_SECONDS)
    return unit


def forget_active_units(*slugs: str) -> None:
    """Forget these units in this process (a signal calls it when one is saved or deleted)."""
    caches["local"].delete_many([_active_unit_key(slug) for slug in slugs])


def check_parent(unit: Unit, parent: Unit | None) -> None:
    """A unit may not sit below itself: refuse a parent that is the unit or one of its descendants."""
    if parent is None or unit.pk is None:
        return
    if Unit.objects.subtree_of([unit]).filter(pk=parent.pk).exists():
        raise Refused(_("A unit cannot be placed under itself or under one of its own sub-units."))


@transaction.atomic
def update_unit_contact(unit: Unit, *, by: Any, logo=None, remove_logo: bool = False, **fields: str) -> Unit:
    """Change a unit's public contact details (and logo). Only a humas admin of the unit may."""
    if not access.can(by, "unit.manage", unit):
        raise Refused(_("You may not change this unit."), code="forbidden", status=403)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(unit, name, value)
    update_fields = [*fields, "updated_at"]
    old_logo = unit.logo.name if unit.logo else ""
    if logo is not None:
        clean = clean_image(logo, max_bytes=2 * 1024 * 1024, max_side=1024, output_format="PNG")
        unit.logo.save(clean.file.name, clean.file, save=False)
        update_fields.append("logo")
    elif remove_logo and unit.logo:
        unit.logo = ""
        update_fields.append("logo")
    unit.full_clean(exclude=["logo", "parent", "slug"])
    unit.save(update_fields=update_fields)
    if old_logo and old_logo != (unit.logo.name if unit.logo else ""):
        storage = unit.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    transaction.on_commit(forget_site_identity)
    return unit


# --- areas (humas.geo) ---------------------------------------------------------------------------------------

AREA_FIELDS = ("area", "area_display", "area_south", "area_west", "area_north", "area_east", "area_size")


@transaction.atomic
def set_unit_area(unit: Unit, *, by: Any, area: geo.Area | None) -> Unit:
    """Give a unit its area (checked by humas.geo.parse_area) or remove it (`area=None`). Only a humas admin
    of the unit may. Reports filed from then on with a point inside go to the smallest unit holding it."""
    if not access.can(by, "unit.manage", unit):
        raise Refused(_("You may not change this unit."), code="forbidden", status=403)
    if area is None:
        values = dict.fromkeys(AREA_FIELDS)
    else:
        values = {
            "area": area.geometry,
            "area_display": area.display,
            "area_south": area.south,
            "area_west": area.west,
            "area_north": area.north,
            "area_east": area.east,
            "area_size": area.size,
        }
    for name, value in values.items():
        setattr(unit, name, value)
    unit.save(update_fields=[*AREA_FIELDS, "updated_at"])
    return unit


def unit_for_point(lat: float, lng: float, *, within: Unit | None = None) -> Unit | None:
    """The smallest active unit whose area holds the point (boundary included, holes excluded), or None; with
    `within`, only that unit and the units below it. One query for the units whose bounding box holds the point;
    shapely decides among them."""
    units = Unit.objects.subtree_of([within]) if within is not None else Unit.objects.all()
    candidates = units.active().filter(
        area_size__isnull=False,
        area_south__lte=lat,
        area_north__gte=lat,
        area_west__lte=lng,
        area_east__gte=lng,
    )
    return geo.covering(candidates, float(lat), float(lng))
