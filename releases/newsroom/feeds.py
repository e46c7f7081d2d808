"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the published releases, for the whole newsroom or one unit (and
its sub-units) or one tag (?unit=, ?tag=). Full content, the featured photo, `updated` dates and GUIDs that
never change (tag: URIs built from the release id). Withdrawn releases leave the feeds."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from humas.context_processors import site_identity
from humas.models import Unit

from ..models import Release
from ..richtext import plain_text, with_dateline
from . import cache, selectors

FEED_SIZE = 30


class RssWithContent(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full body in content:encoded (the description keeps the summary)."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(feedgenerator.Atom1Feed):
    """Atom 1.0 with <content type="html"> beside the <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def guid(release: Release) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{release.created_at:%Y-%m-%d}:release:{release.pk}"


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.Filters(unit=request.GET.get("unit", "").strip()[:80], tag=request.GET.get("tag", "").strip()[:70])


def _scope(request: HttpRequest) -> tuple[selectors.Filters, str, str]:
    """The filters from ?unit= and ?tag=, and the feed's title and description. Unknown ones → 404."""
    filters = _filters(request)
    portal = site_identity()["name"]
    title, description = (
        _("Press releases — %(name)s") % {"name": portal},
        _("Press releases of %(name)s") % {"name": portal},
    )
    if filters.unit:
        unit = Unit.objects.active().filter(slug=filters.unit).first()
        if unit is None:
            raise Http404
        title = _("Press releases — %(name)s") % {"name": unit.name}
        description = _("Press releases of %(name)s") % {"name": unit.name}
    if filters.tag:
        tag = selectors.tag_by_slug(filters.tag)
        if tag is None:
            raise Http404
        title = f"{title} — #{tag.name}"
    return filters, title, description


def _feed_url(name: str, filters: selectors.Filters) -> str:
    """The feed's own address from its normalised filters (a cached feed never repeats a visitor's query)."""
    query = filters.query_string()
    return _absolute(reverse(name)) + (f"?{query}" if query else "")


def _items(filters: selectors.Filters) -> list[Release]:
    releases = list(selectors.public_list(filters).prefetch_related("tags")[:FEED_SIZE])
    selectors.attach_featured(releases)
    return releases


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _enclosure(release: Release) -> tuple[str, int, str] | None:
    photo = getattr(release, "featured", None)
    if photo is None:
        return None
    rendition = photo.renditions_map.get("medium.jpg")
    if rendition is None:
        return None
    try:
        size = rendition.file.size
    except OSError:
        return None
    return _absolute(rendition.file.url), size, "image/jpeg"


def _body_html(release: Release) -> str:
    parts = []
    photo = getattr(release, "featured", None)
    if photo is not None and photo.renditions_map.get("medium.jpg"):
        medium = photo.renditions_map["medium.jpg"]
        parts.append(
            format_html(
                '<figure><img src="{}" alt="{}" width="{}" height="{}"><figcaption>{}{}</figcaption></figure>',
                _absolute(medium.file.url), photo.alt_text, medium.width, medium.height, photo.caption,
                f" ({_('Photo')}: {photo.credit})" if photo.credit else "",
            )
        )  # fmt: skip
    parts.append(with_dateline(release.body, release.dateline))
    return "".join(parts)


def _build(request: HttpRequest, generator_class, feed_url_name: str) -> HttpResponse:
    filters, title, description = _scope(request)
    releases = _items(filters)
    link = _absolute(reverse("releases:list"))
    feed = generator_class(
        title=title,
        link=link,
        description=description,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        feed_url=_feed_url(feed_url_name, filters),
        author_name=site_identity()["name"],
        feed_guid=_feed_url(feed_url_name, filters),
        ttl="15",
    )
    for release in releases:
        url = _absolute(reverse("releases:detail", kwargs={"slug": release.slug}))
        enclosure = _enclosure(release)
        feed.add_item(
            title=release.title,
            link=url,
            description=release.summary or plain_text(release.body)[:300],
            content_html=_body_html(release),
            unique_id=guid(release),
            unique_id_is_permalink=False,
            pubdate=release.published_at,
            updateddate=release.updated_for_readers,
            author_name=release.unit.name,
            categories=[t.name for t in release.tags.all()] + ([release.category.name] if release.category else []),
            enclosures=[feedgenerator.Enclosure(enclosure[0], str(enclosure[1]), enclosure[2])] if enclosure else [],
        )
    return HttpResponse(feed.writeString("utf-8"), content_type=f"{feed.content_type}")


def _cached(request: HttpRequest, kind: str, build) -> HttpResponse:
    # keyed by the normalised ?unit= and ?tag= only: other parameters create no entries (unknown values
    # answer 404 inside `build`, which is not cached)
    filters = _filters(request)
    content, content_type = cache.fetch(
        ("feed", kind, translation.get_language(), filters.unit, filters.tag),
        lambda: _entry(build()),
    )
    return HttpResponse(content, content_type=content_type)


def _entry(response: HttpResponse) -> tuple[bytes, str]:
    return response.content, response["Content-Type"]


@require_GET
def rss(request: HttpRequest) -> HttpResponse:
    return _cached(request, "rss", lambda: _build(request, RssWithContent, "releases:rss"))


@require_GET
def atom(request: HttpRequest) -> HttpResponse:
    return _cached(request, "atom", lambda: _build(request, AtomWithContent, "releases:atom"))


def _json_feed(request: HttpRequest) -> HttpResponse:
    filters, title, description = _scope(request)
    releases = _items(filters)
    portal = site_identity()
    items = []
    for release in releases:
        url = _absolute(reverse("releases:detail", kwargs={"slug": release.slug}))
        item = {
            "id": guid(release),
            "url": url,
            "title": release.title,
            "content_html": _body_html(release),
            "content_text": plain_text(release.body),
            "summary": release.summary,
            "date_published": release.published_at.isoformat(),
            "date_modified": release.updated_for_readers.isoformat(),
            "authors": [{"name": release.unit.name}],
            "tags": [t.name for t in release.tags.all()],
            "language": release.language,
        }
        photo = getattr(release, "featured", None)
        if photo is not None and photo.renditions_map.get("medium.jpg"):
            item["image"] = _absolute(photo.renditions_map["medium.jpg"].file.url)
        if photo is not None and photo.renditions_map.get("card.jpg"):
            item["banner_image"] = _absolute(photo.renditions_map["card.jpg"].file.url)
        items.append(item)
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": _absolute(reverse("releases:list")),
        "feed_url": _feed_url("releases:json_feed", filters),
        "description": description,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "authors": [{"name": portal["name"], "url": settings.SITE_URL + "/"}],
        "items": items,
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/feed+json; charset=utf-8"
    )


@require_GET
def json_feed(request: HttpRequest) -> HttpResponse:
    return _cached(request, "json", lambda: _json_feed(request))
