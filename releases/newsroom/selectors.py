"""Reading the newsroom: the public lists with their filters and search, one release with its photos and
related releases, the facets of the list. Selectors only: nothing here changes a release's state."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from humas.models import Unit

from ..models import Release, ReleasePhoto, Rendition, Tag
from . import cache

SEARCH_CONFIG = "indonesian"


# --- filters and search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    category: str = ""
    tag: str = ""
    year: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params) -> Filters:
        year = params.get("year", "")
        return cls(
            unit=params.get("unit", "")[:80],
            category=params.get("category", "")[:80],
            tag=params.get("tag", "")[:70],
            year=int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None,
            q=" ".join(params.get("q", "").split())[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.unit or self.category or self.tag or self.year or self.q)

    def query_string(self) -> str:
        """The filters as a query string, known parameters only, in a fixed order: what cached pages and feeds
        put in their links and keys (never the raw query a visitor sent)."""
        pairs = [("unit", self.unit), ("category", self.category), ("tag", self.tag),
                 ("year", str(self.year) if self.year else ""), ("q", self.q)]  # fmt: skip
        return urlencode([(name, value) for name, value in pairs if value])


def known_filters(filters: Filters) -> bool:
    """Do the filters name only units, categories and years the newsroom has (from the cached facets)? A page
    for a value nobody links to is built but not cached, so made-up values cannot fill the cache."""
    found = facets()
    return (
        (not filters.unit or any(unit["slug"] == filters.unit for unit in found["units"]))
        and (not filters.category or any(c["slug"] == filters.category for c in found["categories"]))
        and (not filters.year or filters.year in found["years"])
        and (not filters.tag or tag_by_slug(filters.tag) is not None)
    )


def search(queryset: QuerySet[Release], q: str) -> QuerySet[Release]:
    """PostgreSQL full text with the `indonesian` configuration (stems "pelayanan" and "layanan" alike),
    ranked; on SQLite, every word must appear in the title, summary or body."""
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector("body", weight="C", config=SEARCH_CONFIG)
        )
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0).order_by("-rank", "-published_at")
    condition = Q()
    for word in re.findall(r"\w+", q)[:8]:
        condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
    return queryset.filter(condition)


def apply_filters(queryset: QuerySet[Release], filters: Filters) -> QuerySet[Release]:
    if filters.unit:
        queryset = queryset.filter(unit__in=subtree_by_slug(filters.unit))
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    if filters.tag:
        queryset = queryset.filter(tags__slug=filters.tag)
    if filters.year:
        queryset = queryset.filter(published_at__year=filters.year)
    return search(queryset, filters.q)


def subtree_by_slug(slug: str) -> RawSQL:
    """The ids of a unit (by slug) and every unit below it, as a subquery: no extra round trip."""
    table = Unit._meta.db_table
    sql = (
        f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE slug = %s AND is_active "  # noqa: S608
        f"UNION SELECT u.id FROM {table} u JOIN tree ON u.parent_id = tree.id) SELECT id FROM tree"
    )
    return RawSQL(sql, [slug])  # noqa: S611


def public_list(filters: Filters | None = None) -> QuerySet[Release]:
    queryset = Release.objects.public().select_related("unit", "category").order_by("-published_at", "-pk")
    return apply_filters(queryset, filters) if filters else queryset


def attach_featured(releases: list[Release]) -> None:
    """Give each release `.featured` (its featured photo, with `.renditions_map`) in one query: the
    renditions of the featured photos, their photos joined; a photo without renditions yet in a second."""
    by_id = {r.pk: r for r in releases}
    for release in releases:
        release.featured = None
    if not by_id:
        return
    photos: dict[int, ReleasePhoto] = {}
    rows = Rendition.objects.filter(photo__release_id__in=by_id, photo__is_featured=True).select_related("photo")
    maps: dict[int, dict[str, Rendition]] = defaultdict(dict)
    for rendition in rows:
        photos[rendition.photo_id] = rendition.photo
        maps[rendition.photo_id][rendition.spec] = rendition
    for photo_id, photo in photos.items():
        photo.renditions_map = maps[photo_id]
        by_id[photo.release_id].featured = photo


FACETS_CACHE_SECONDS = 600


def facets() -> dict[str, Any]:
    """Units, categories and years that have published releases: cached until the newsroom changes."""
    return cache.fetch(("facets",), _facets, timeout=FACETS_CACHE_SECONDS)


def _facets() -> dict[str, Any]:
    public = Release.objects.public()
    # categories and years from one query of distinct (category, year) pairs
    pairs = list(
        public.annotate(year=ExtractYear("published_at"))
        .values_list("category__slug", "category__name", "category__order", "year")
        .distinct()
    )
    categories = {(order, name, slug) for slug, name, order, _year in pairs if slug}
    return {
        "units": list(
            Unit.objects.filter(pk__in=public.values("unit")).order_by("name").values("slug", "name", "short_name")
        ),
        "categories": [{"slug": slug, "name": name} for _order, name, slug in sorted(categories)],
        "years": sorted({year for *_rest, year in pairs}, reverse=True),
    }


# --- one release ---------------------------------------------------------------------------------------


PHOTO_FIELDS = ("id", "release_id", "image", "width", "height", "caption", "credit", "alt_text", "order", "is_featured")
RENDITION_FIELDS = ("id", "spec", "file", "width", "height")


def load_photos(release: Release) -> list[ReleasePhoto]:
    """The release's photos, featured first, each with `.renditions_map`, in ONE query (a LEFT JOIN of
    photos and renditions): the page's query count does not depend on the number of photos."""
    rows = (
        ReleasePhoto.objects.filter(release_id=release.pk)
        .order_by("-is_featured", "order", "pk")
        .values_list(*PHOTO_FIELDS, *(f"renditions__{name}" for name in RENDITION_FIELDS))
    )
    photos: dict[int, ReleasePhoto] = {}
    for row in rows:
        photo_values, rendition_values = row[: len(PHOTO_FIELDS)], row[len(PHOTO_FIELDS) :]
        photo = photos.get(photo_values[0])
        if photo is None:
            photo = ReleasePhoto(**dict(zip(PHOTO_FIELDS, photo_values, strict=True)))
            photo.renditions_map = {}
            photos[photo.pk] = photo
        if rendition_values[0] is not None:
            rendition = Rendition(photo=photo, **dict(zip(RENDITION_FIELDS, rendition_values, strict=True)))
            photo.renditions_map[rendition.spec] = rendition
    return list(photos.values())


def _with_page_data(queryset: QuerySet[Release]) -> QuerySet[Release]:
    return queryset.select_related(
        "unit", "category", "writer_user", "editor_user", "photographer_user"
    ).prefetch_related("tags", "attachments")


def release_page_for_staff(pk: int) -> Release:
    """Any release with its page's data, for the console's preview (access is checked by the caller)."""
    release = _with_page_data(Release.objects.filter(pk=pk)).get()
    release.page_photos = load_photos(release)
    return release


def release_page(slug: str) -> Release | None:
    """A release with a public page (published or withdrawn) and everything its page shows: 4 queries
    (the release with its unit, category and credited users; tags; attachments; photos with renditions)."""
    release = _with_page_data(Release.objects.visible()).filter(slug=slug).first()
    if release is not None:
        release.page_photos = load_photos(release)
    return release


def related(release: Release, limit: int = 4) -> list[Release]:
    """Published releases sharing the most tags, then the most recent ones: one query."""
    tag_ids = [t.pk for t in release.tags.all()]
    queryset = Release.objects.public().exclude(pk=release.pk).select_related("unit")
    if tag_ids:
        queryset = queryset.annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True)).order_by(
            "-shared", "-published_at"
        )
    else:
        queryset = queryset.order_by("-published_at")
    return list(queryset.only("title", "slug", "published_at", "unit__time_zone", "unit__name")[:limit])


def tag_by_slug(slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first() if slug else None
