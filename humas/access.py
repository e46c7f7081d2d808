"""Who may do what, where. The one place every view, API endpoint, admin page and task asks.

A role held in a unit applies to that unit and every unit below it. Objects of units outside a user's
scope answer 404 (we do not even confirm they exist); a user who may see an object but not act on it
gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Membership, Role, Unit

ALL_ROLES = frozenset(Role)

# action -> the roles that grant it. Read by the functions below, the templates (through `can`) and the
# tests, which try every role against every action.
PERMISSIONS: dict[str, frozenset[str]] = {
    "unit.view": ALL_ROLES,
    "unit.manage": frozenset({Role.ADMIN}),
    "member.manage": frozenset({Role.ADMIN}),
    "dashboard.view": frozenset({Role.ADMIN, Role.VIEWER, Role.OFFICER}),
    "complaint.view": frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER}),
    "complaint.handle": frozenset({Role.ADMIN, Role.OFFICER}),
    "complaint.see_anonim_identity": frozenset({Role.ADMIN}),
    "release.view": frozenset({Role.ADMIN, Role.EDITOR, Role.WRITER, Role.VIEWER}),
    "release.write": frozenset({Role.ADMIN, Role.EDITOR, Role.WRITER}),
    "release.publish": frozenset({Role.ADMIN, Role.EDITOR}),
    "subscriber.manage": frozenset({Role.ADMIN, Role.EDITOR}),
    "channel.manage": frozenset({Role.ADMIN, Role.EDITOR}),
    "channel.log": frozenset({Role.ADMIN, Role.EDITOR, Role.WRITER}),
    # information requests under UU 14/2008: the PPID handles them, the atasan PPID decides objections
    "information.view": frozenset({Role.ADMIN, Role.VIEWER, Role.PPID, Role.ATASAN_PPID}),
    "information.handle": frozenset({Role.PPID}),
    "information.objection": frozenset({Role.ATASAN_PPID}),
    "information.list": frozenset({Role.ADMIN, Role.PPID}),
    "monitoring.view": ALL_ROLES,  # the issues, clippings and the media analysis
    "monitoring.manage": frozenset({Role.ADMIN, Role.EDITOR}),  # sources, watchlist, clippings' relevance and tone
}

# For an action that changes something, the action that lets a user see the object at all. A user who
# lacks the visibility action gets 404; one who has it but lacks the action itself gets 403.
VISIBILITY: dict[str, str] = {
    "unit.manage": "unit.view",
    "member.manage": "unit.view",
    "complaint.handle": "complaint.view",
    "complaint.see_anonim_identity": "complaint.view",
    "release.write": "release.view",
    "release.publish": "release.view",
    "channel.manage": "unit.view",
    "channel.log": "release.view",
    "information.handle": "information.view",
    "information.objection": "information.view",
    "information.list": "unit.view",
    "monitoring.manage": "monitoring.view",
}

_CACHE_ATTR = "_humas_access_cache"


def _cache(user: Any) -> dict[str, Any]:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def forget(user: Any) -> None:
    """Drop what was cached on this user object (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_staff_member(user: Any) -> bool:
    """May use the staff console at all: an active user with a membership, or a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(memberships(user))


def memberships(user: Any) -> list[tuple[int, str]]:
    """(unit_id, role) pairs of an active user, one query per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = _cache(user)
    if "memberships" not in cache:
        cache["memberships"] = list(
            Membership.objects.filter(user=user, unit__is_active=True).values_list("unit_id", "role")
        )
    return cache["memberships"]


def _subtrees(user: Any) -> dict[int, frozenset[int]]:
    """For each unit the user holds a role in: that unit and every unit below it. One query per request,
    whatever the number of roles and actions asked about."""
    cache = _cache(user)
    if "subtrees" not in cache:
        roots = sorted({unit_id for unit_id, _role in memberships(user)})
        found: dict[int, set[int]] = {root: set() for root in roots}
        if roots:
            for unit_id, root in Unit.objects.subtree_pairs(roots):
                found[root].add(unit_id)
        cache["subtrees"] = {root: frozenset(ids) for root, ids in found.items()}
    return cache["subtrees"]


def unit_ids_for(user: Any, action: str) -> frozenset[int] | None:
    """Ids of the units where `user` may do `action`; None means every unit (superuser)."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    if getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return None
    cache = _cache(user)
    key = f"units:{action}"
    if key not in cache:
        subtrees = _subtrees(user)
        roots = {unit_id for unit_id, role in memberships(user) if role in PERMISSIONS[action]}
        cache[key] = frozenset().union(*(subtrees[root] for root in roots)) if roots else frozenset()
    return cache[key]


def units_for(user: Any, action: str) -> QuerySet[Unit]:
    ids = unit_ids_for(user, action)
    return Unit.objects.all() if ids is None else Unit.objects.filter(pk__in=ids)


def _unit_id_of(obj: Unit | Model | int) -> int | None:
    if isinstance(obj, Unit):
        return obj.pk
    if isinstance(obj, int):
        return obj
    return getattr(obj, "unit_id", None)


def can(user: Any, action: str, obj: Unit | Model | int) -> bool:
    """May `user` do `action` on `obj` (a Unit, a unit id, or anything with a `unit_id`)?"""
    ids = unit_ids_for(user, action)
    if ids is None:
        return True
    unit_id = _unit_id_of(obj)
    return unit_id is not None and unit_id in ids


def has_any(user: Any, action: str) -> bool:
    ids = unit_ids_for(user, action)
    return ids is None or bool(ids)


def scope(user: Any, action: str, queryset: QuerySet, unit_field: str = "unit") -> QuerySet:
    """Narrow `queryset` to the objects whose unit lies in the user's scope for `action`."""
    ids = unit_ids_for(user, action)
    if ids is None:
        return queryset
    if queryset.model is Unit and unit_field in {"unit", "self", "pk"}:
        return queryset.filter(pk__in=ids)
    return queryset.filter(**{f"{unit_field}__in": ids})


def check(user: Any, action: str, obj: Unit | Model) -> None:
    """Raise Http404 when the object lies outside what the user may see, PermissionDenied when they may
    see it but not do `action`."""
    if not can(user, VISIBILITY.get(action, action), obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied


def get_for(user: Any, action: str, queryset: QuerySet, unit_field: str = "unit", **lookup: Any) -> Model:
    """Fetch one object for `action`: 404 when missing or outside the user's scope, 403 when visible
    but the role does not allow the action."""
    visible = scope(user, VISIBILITY.get(action, action), queryset, unit_field)
    try:
        obj = visible.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None
    if not can(user, action, obj if queryset.model is Unit else _unit_of(obj, unit_field)):
        raise PermissionDenied
    return obj


def _unit_of(obj: Model, unit_field: str) -> int | None:
    value: Any = obj
    for part in unit_field.split("__"):
        attr_id = f"{part}_id"
        if hasattr(value, attr_id):
            return getattr(value, attr_id)
        value = getattr(value, part, None)
        if value is None:
            return None
    return value.pk if isinstance(value, Model) else value


def roles_in(user: Any, unit: Unit) -> set[str]:
    """The roles that apply to `user` in `unit`: held there or in a unit above it."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return set(Role)
    held = memberships(user)
    if not held:
        return set()
    above = set(Unit.objects.ancestors_of(unit).values_list("pk", flat=True))
    return {role for unit_id, role in held if unit_id in above}


def is_humas_admin(user: Any) -> bool:
    """A humas admin of a root unit (the office that triages every report), or a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = _cache(user)
    if "humas_admin" not in cache:
        admin_units = [unit_id for unit_id, role in memberships(user) if role == Role.ADMIN]
        cache["humas_admin"] = (
            bool(admin_units) and Unit.objects.filter(pk__in=admin_units, parent__isnull=True).exists()
        )
    return cache["humas_admin"]


def is_root_admin(user: Any, unit: Unit | int) -> bool:
    """An admin of the root of `unit`'s tree (the humas office that triages that unit's reports), or a
    superuser. Being admin of some other tree's root, or of a unit between, is not enough."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    admin_units = {unit_id for unit_id, role in memberships(user) if role == Role.ADMIN}
    if not admin_units:
        return False
    cache = _cache(user)
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    key = f"root_of:{unit_id}"
    if key not in cache:
        cache[key] = Unit.objects.ancestors_of(unit_id).filter(parent__isnull=True).values_list("pk", flat=True).first()
    return cache[key] in admin_units
