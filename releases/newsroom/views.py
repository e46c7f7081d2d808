"""The public newsroom: the list, one release, photo downloads. Thin: `selectors` read. Anonymous visitors
without a session get whole pages from the cache until the newsroom changes (see `cache`)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from humas import dates

from ..models import ReleasePhoto, Status
from ..social import reach, sharing
from . import cache, counter, selectors

PAGE_SIZE = 12


def cacheable(request: HttpRequest) -> bool:
    """Only the same-for-everyone pages: no session (so no staff, no messages) and a plain GET."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_page(
    request: HttpRequest, name: tuple, build: Callable[[], HttpResponse], *, keep: Callable[[], bool] | None = None
) -> HttpResponse:
    """`name` identifies the page's content (normalised filters, not the raw query string, so that junk
    parameters cannot fill the cache); the page must build its links from the same normalised values, never
    from the request's query string. `keep`, asked on a miss: False for a page built but not cached (a filter
    value nobody links to)."""
    if not cacheable(request):
        return build()

    def entry() -> tuple[bytes, str]:
        response = build()
        return response.content, response["Content-Type"]

    content, content_type = cache.fetch(("page", *name, translation.get_language()), entry, keep=keep)
    return public(HttpResponse(content, content_type=content_type))


def public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=60"
    return response


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@require_GET
def newsroom_list(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        filters = selectors.Filters.from_query(request.GET)
        paginator = Paginator(selectors.public_list(filters), PAGE_SIZE)
        page = paginator.get_page(page_number)
        releases = list(page.object_list)
        selectors.attach_featured(releases)
        return render(
            request,
            "releases/list.html",
            {
                "page": page,
                "releases": releases,
                "filters": filters,
                "facets": selectors.facets(),
                "query": filters.query_string(),  # the normalised filters: the page may be cached
                "feed_query": _feed_query(filters),
                "canonical": absolute(request.path),
            },
        )

    filters = selectors.Filters.from_query(request.GET)
    raw_page = request.GET.get("page", "1")
    # the page built is the page named in the key: anything but a small number is page 1
    page_number = str(int(raw_page)) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 5 else "1"
    name = ("list", filters.unit, filters.category, filters.tag, filters.year, filters.q, page_number)
    return cached_page(request, name, build, keep=lambda: selectors.known_filters(filters))


def _feed_query(filters: selectors.Filters) -> str:
    joined = urlencode([(name, value) for name, value in (("unit", filters.unit), ("tag", filters.tag)) if value])
    return f"?{joined}" if joined else ""


def jsonld_for(release, photos, url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title[:110],
        "description": release.summary,
        "datePublished": release.published_at.isoformat(),
        "dateModified": release.updated_for_readers.isoformat(),
        "inLanguage": release.language,
        "mainEntityOfPage": url,
        "url": url,
        "author": {"@type": "Organization", "name": release.unit.name},
        "publisher": {"@type": "Organization", "name": release.unit.name},
    }
    if release.writer_display:
        data["author"] = [{"@type": "Person", "name": release.writer_display}, data["author"]]
    images = []
    for photo in photos:
        card = photo.renditions_map.get("card.jpg") or photo.renditions_map.get("medium.jpg")
        images.append(absolute(card.file.url) if card else absolute(photo.image.url))
    if images:
        data["image"] = images
    if release.category:
        data["articleSection"] = release.category.name
    keywords = [t.name for t in release.tags.all()]
    if keywords:
        data["keywords"] = keywords
    return data


@require_GET
def release_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One release. A withdrawn one keeps its page with the notice. Each human visit is counted in Redis
    (bots and link previews are not), also when the page comes from the cache."""

    def entry() -> tuple[bytes, str, int, bool]:
        release = selectors.release_page(slug)
        if release is None:
            raise Http404
        response = render_release(request, release)
        return response.content, response["Content-Type"], release.pk, release.is_public

    if not cacheable(request):
        content, content_type, release_id, is_public = entry()
    else:
        content, content_type, release_id, is_public = cache.fetch(
            ("page", "release", slug, translation.get_language()), entry
        )
    if is_public and not counter.is_bot(request):
        counter.count_view(release_id, reach.view_source(request))
    response = HttpResponse(content, content_type=content_type)
    return public(response) if cacheable(request) else response


def render_release(request: HttpRequest, release, *, preview: bool = False) -> HttpResponse:
    photos = release.page_photos
    url = absolute(reverse("releases:detail", kwargs={"slug": release.slug}))
    featured = next((p for p in photos if p.is_featured), photos[0] if photos else None)
    context = {
        "release": release,
        "photos": photos,
        "featured": featured,
        "related": selectors.related(release) if not preview else [],
        "canonical": url,
        "zone": dates.zone_abbreviation(release.unit.time_zone),
        "preview": preview,
        "jsonld": jsonld_for(release, photos, url) if release.published_at else None,
        "share_image": absolute(_card_url(featured)) if featured else "",
        "share_links": sharing.share_links(release) if release.is_public and not preview else [],
    }
    return render(request, "releases/detail.html", context)


def _card_url(photo: ReleasePhoto) -> str:
    rendition = photo.renditions_map.get("card.jpg")
    return rendition.file.url if rendition else photo.image.url


@require_GET
def photo_download(request: HttpRequest, slug: str, photo_id: int) -> FileResponse:
    """The original photo (re-encoded at upload, no metadata) as a download named after the release."""
    photo = get_object_or_404(
        ReleasePhoto.objects.select_related("release"),
        pk=photo_id,
        release__slug=slug,
        release__status=Status.PUBLISHED,
    )
    extension = photo.image.name.rsplit(".", 1)[-1]
    position = photo.order or photo.pk
    return FileResponse(
        photo.image.open("rb"), as_attachment=True, filename=f"{photo.release.slug[:80]}-foto-{position}.{extension}"
    )
