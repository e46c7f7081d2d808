"""Reading the newsroom: the public lists with their filters and search, one release with its photos and
related releases, the cache version that any public change bumps, and the view counter (Redis, flushed
periodically). Selectors only: nothing here changes a release's state."""

from __future__ import annotations

import atexit
import re
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils import timezone

from humas.models import Unit

from .models import Release, ReleasePhoto, Rendition, Tag

VERSION_KEY = "releases:newsroom-version"
PAGE_CACHE_SECONDS = 300
FACETS_CACHE_SECONDS = 600
VIEWS_HASH = "releases:views"
SEARCH_CONFIG = "indonesian"


# --- cache version -------------------------------------------------------------------------------------
#
# Every public change bumps one version number in the shared cache; cached pages carry the version they
# were made under. Each web process also keeps its hottest pages in memory and asks the shared cache for
# the current version at most every VERSION_CHECK_SECONDS (settings.RELEASES_VERSION_CHECK_SECONDS,
# default 1): a publication reaches every process within that second, and a cached page costs no round
# trip at all in between.

_local_version: list[float] = [0.0, 0.0]  # [version, monotonic time it was read]
_local_pages: OrderedDict[str, tuple[int, Any]] = OrderedDict()
LOCAL_PAGES_MAX = 200


def _check_interval() -> float:
    return float(settings.RELEASES_VERSION_CHECK_SECONDS)


def version() -> int:
    value = cache.get(VERSION_KEY)
    if value is None:
        # start from the clock, not 1: a cache that was emptied never brings an old version back
        cache.add(VERSION_KEY, int(time.time() * 1000), None)
        value = cache.get(VERSION_KEY)
    _local_version[:] = [int(value), time.monotonic()]
    return int(value)


def current_version() -> int:
    """The version as this process last read it, re-read when older than the check interval."""
    remembered, read_at = _local_version
    if remembered and time.monotonic() - read_at < _check_interval():
        return int(remembered)
    return version()


def bump_version() -> None:
    """Every cached newsroom page and facet becomes stale at once (in this process immediately)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), None)
    forget_local()


def forget_local() -> None:
    """Drop this process's remembered version and pages (after a bump; between tests)."""
    _local_version[:] = [0.0, 0.0]
    _local_pages.clear()


def cache_key(*parts: Any) -> str:
    return "releases:" + ":".join(str(p) for p in parts)


def cached(key: str) -> tuple[Any, int]:
    """The entry under `key` and the newsroom's version: from this process's memory when it holds the
    current version, else from the shared cache. An entry made under an older version (before a release
    was published, changed or withdrawn) counts as a miss."""
    current = current_version()
    local = _local_pages.get(key)
    if local is not None and local[0] == current:
        _local_pages.move_to_end(key)
        return local[1], current
    entry = cache.get(key)
    if entry is None or entry[0] != current:
        return None, current
    _remember(key, entry)
    return entry[1], current


def _remember(key: str, entry: tuple[int, Any]) -> None:
    _local_pages[key] = entry
    _local_pages.move_to_end(key)
    while len(_local_pages) > LOCAL_PAGES_MAX:
        _local_pages.popitem(last=False)


def store(key: str, current_version: int, value: Any, timeout: int = PAGE_CACHE_SECONDS) -> None:
    cache.set(key, (current_version, value), timeout)
    _remember(key, (current_version, value))


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


def facets() -> dict[str, Any]:
    """Units, categories and years that have published releases: cached until the newsroom changes."""
    key = cache_key("facets", current_version())
    data = cache.get(key)
    if data is None:
        public = Release.objects.public()
        # categories and years from one query of distinct (category, year) pairs
        pairs = list(
            public.annotate(year=ExtractYear("published_at"))
            .values_list("category__slug", "category__name", "category__order", "year")
            .distinct()
        )
        categories = {(order, name, slug) for slug, name, order, _year in pairs if slug}
        data = {
            "units": list(
                Unit.objects.filter(pk__in=public.values("unit")).order_by("name").values("slug", "name", "short_name")
            ),
            "categories": [{"slug": slug, "name": name} for _order, name, slug in sorted(categories)],
            "years": sorted({year for *_rest, year in pairs}, reverse=True),
        }
        cache.set(key, data, FACETS_CACHE_SECONDS)
    return data


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


# --- view counting -------------------------------------------------------------------------------------

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|whatsapp|telegram|preview|curl|wget|python-|"
    r"httpclient|go-http|java/|headless|lighthouse|feed|monitor|scrapy",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    if not agent or BOT_PATTERN.search(agent):
        return True
    purpose = request.headers.get("Purpose", "") or request.headers.get("Sec-Purpose", "")
    return "prefetch" in purpose.lower()


def _redis():
    """The Redis client behind Django's cache, or None in the embedded mode (local-memory cache)."""
    if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
        return None
    return cache._cache.get_client(write=True)


def _views_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{VIEWS_HASH}"


_view_buffer: dict[int, int] = {}
_reach_buffer: dict[str, int] = {}
_view_buffer_pushed: list[float] = [0.0]

# the sources a view may be credited to (utm_source of the share links and e-mails); anything else is "other"
REACH_SOURCES = frozenset(
    {"whatsapp", "facebook", "x", "telegram", "line", "email", "copy", "instagram", "tiktok", "youtube", "threads"}
)


def view_source(request: HttpRequest) -> str:
    """Which channel brought this reader: the link's utm_source if it is one of ours, else direct/other."""
    raw = (request.GET.get("utm_source") or "").strip().lower()
    if not raw:
        return "direct"
    return raw if raw in REACH_SOURCES else "other"


def _reach_key() -> str:
    return f"{_views_key()}:reach"


def count_view(release_id: int, source: str = "direct") -> None:
    """Count a view without touching the release row: hits add up in this process and go to a Redis hash
    at most every RELEASES_VIEW_BUFFER_SECONDS (default 1) in one pipeline; the periodic flush moves the
    hash to the rows. Each view is also credited to its source for the day (the reach per channel).
    Without Redis (embedded mode) the rows are updated directly."""
    day = timezone.localdate()
    client = _redis()
    if client is None:
        from .distribution import add_reach

        Release.objects.filter(pk=release_id).update(view_count=F("view_count") + 1)
        add_reach({(release_id, day, source): 1})
        return
    _view_buffer[release_id] = _view_buffer.get(release_id, 0) + 1
    reach_field = f"{release_id}:{day.isoformat()}:{source}"
    _reach_buffer[reach_field] = _reach_buffer.get(reach_field, 0) + 1
    now = time.monotonic()
    if now - _view_buffer_pushed[0] >= float(settings.RELEASES_VIEW_BUFFER_SECONDS):
        push_views(client)
        _view_buffer_pushed[0] = now


def push_views(client=None) -> None:
    """Send this process's buffered view counts to Redis (also called when a worker exits)."""
    client = client or _redis()
    if client is None or not _view_buffer:
        return
    counts = dict(_view_buffer)
    reach = dict(_reach_buffer)
    _view_buffer.clear()
    _reach_buffer.clear()
    pipe = client.pipeline(transaction=False)
    for release_id, n in counts.items():
        pipe.hincrby(_views_key(), str(release_id), n)
    for field, n in reach.items():
        pipe.hincrby(_reach_key(), field, n)
    pipe.execute()


def pending_views(release_id: int) -> int:
    client = _redis()
    if client is None:
        return 0
    push_views(client)
    value = client.hget(_views_key(), str(release_id))
    return int(value or 0)


def _drain(client, key: str, apply) -> int:
    """Move a Redis hash of counters into the database: the hash is renamed atomically first, so hits counted
    meanwhile land in a fresh hash and nothing is counted twice or lost; a previous drain that died half-way
    is finished first. `apply(fields)` writes the rows inside a transaction; the hash goes after commit."""
    from django.db import transaction

    draining = f"{key}:draining"
    if not client.exists(draining):
        try:
            client.rename(key, draining)
        except Exception as exc:  # the hash does not exist: nothing was counted
            if "no such key" in str(exc).lower():
                return 0
            raise
    fields = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in client.hgetall(draining).items()}
    with transaction.atomic():
        apply(fields)
        transaction.on_commit(lambda: client.delete(draining))
    return len(fields)


def flush_views() -> int:
    """Move the counters from Redis to the rows (totals, and reads per source and day). Returns the
    releases whose totals changed."""
    client = _redis()
    if client is None:
        return 0
    push_views(client)
    _drain(client, _reach_key(), _apply_reach)
    return _drain(client, _views_key(), _apply_totals)


def _apply_totals(fields: dict[str, int]) -> None:
    for release_id, n in fields.items():
        Release.objects.filter(pk=int(release_id)).update(view_count=F("view_count") + n)


def _apply_reach(fields: dict[str, int]) -> None:
    from datetime import date

    from .distribution import add_reach

    counts = {}
    for field, n in fields.items():
        release_id, day, source = field.split(":", 2)
        counts[(int(release_id), date.fromisoformat(day), source)] = n
    add_reach(counts)


atexit.register(push_views)  # a worker that stops sends what it counted
