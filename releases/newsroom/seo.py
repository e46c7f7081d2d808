"""For search engines: /sitemap.xml (the public pages and every published release), /sitemap-news.xml
(Google News: releases of the last two days) and /robots.txt pointing at both and keeping the console,
the admin and the API out. Withdrawn releases are left out. Their addresses (`urlpatterns`, namespace
`releases_seo`) are mounted at the site's root, not per language."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from humas.context_processors import site_identity

from ..models import Release
from . import cache

SITEMAP_LIMIT = 50_000
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1_000
STATIC_PAGES = ("humas:home", "releases:list", "humas:contact", "complaints:form", "complaints:public")


def _cached_xml(name: str, build) -> HttpResponse:
    content = cache.fetch(("seo", name), build)
    return HttpResponse(content, content_type="application/xml; charset=utf-8")


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        pages = []
        for name in STATIC_PAGES:
            try:
                pages.append(settings.SITE_URL + reverse(name))
            except NoReverseMatch:
                continue  # that app is not installed (yet)
        releases = (
            Release.objects.public()
            .order_by("-published_at")
            .values_list("slug", "content_updated_at", "published_at")[:SITEMAP_LIMIT]
        )
        entries = [
            {
                "loc": settings.SITE_URL + reverse("releases:detail", kwargs={"slug": slug}),
                "lastmod": max(updated, published),
            }
            for slug, updated, published in releases
        ]
        return render_to_string("releases/sitemap.xml", {"pages": pages, "entries": entries})

    return _cached_xml("sitemap", build)


@require_GET
def news_sitemap(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        since = timezone.now() - NEWS_WINDOW
        releases = (
            Release.objects.public()
            .filter(published_at__gte=since)
            .order_by("-published_at")
            .only("slug", "title", "language", "published_at")[:NEWS_LIMIT]
        )
        entries = [
            {
                "loc": settings.SITE_URL + reverse("releases:detail", kwargs={"slug": r.slug}),
                "title": r.title,
                "language": r.language,
                "published": r.published_at,
            }
            for r in releases
        ]
        return render_to_string(
            "releases/news_sitemap.xml", {"entries": entries, "publication": site_identity()["name"]}
        )

    return _cached_xml("news", build)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    for prefix in ("/staf/", "/admin/", "/api/", "/en/staf/"):
        lines.append(f"Disallow: {prefix}")
    lines += ["Allow: /", "", f"Sitemap: {settings.SITE_URL}{reverse('releases_seo:sitemap')}"]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('releases_seo:news_sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


app_name = "releases_seo"

urlpatterns = [
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="news_sitemap"),
    path("robots.txt", robots_txt, name="robots"),
]
