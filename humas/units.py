"""Services that change units. Views, the admin and commands call these; none writes a Unit itself."""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import access
from .cache import ProcessCache
from .context_processors import forget_site_identity
from .errors import Refused
from .models import Unit
from .uploads import clean_image

CONTACT_FIELDS = ("address", "email", "phone")

# Active units by slug, read by every report filed (the unit field): each process keeps them for a minute
# and forgets them when a unit is saved or deleted (humas.signals). A slug not found here is looked up in
# the database, so a unit made a moment ago in another process is accepted at once.
_active_units = ProcessCache(lambda: {unit.slug: unit for unit in Unit.objects.active()})
forget_active_units = _active_units.forget


def active_unit(slug: str) -> Unit | None:
    unit = _active_units.get().get(slug)
    return copy.copy(unit) if unit is not None else None  # callers may set attributes on their copy


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
