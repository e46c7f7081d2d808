from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from . import access
from .models import Unit

SITE_UNIT_CACHE_KEY = "humas:site-unit:v3"


def site_identity() -> dict[str, str]:
    """Name and logo of the portal: the first active root unit, else SITE_NAME. Kept a minute in each
    process's memory (read by every page), like the active units: a change shows at once in the process
    that saved it and within the minute in the others."""
    cache = caches["local"]
    identity = cache.get(SITE_UNIT_CACHE_KEY)
    if identity is None:
        unit = Unit.objects.active().roots().order_by("pk").first()
        identity = {
            "name": unit.name if unit else settings.SITE_NAME,
            "short_name": (unit.display_name if unit else settings.SITE_NAME),
            "logo_url": unit.logo.url if unit and unit.logo else "",
            "slug": unit.slug if unit else "",
            "pk": unit.pk if unit else None,
            "address": unit.address if unit else "",
            "phone": unit.phone if unit else "",
            "email": unit.email if unit else "",
        }
        cache.set(SITE_UNIT_CACHE_KEY, identity, 60)
    return identity


def forget_site_identity() -> None:
    caches["local"].delete(SITE_UNIT_CACHE_KEY)


def alternates(languages: list[dict]) -> list[dict[str, str]]:
    """The page's `<link rel="alternate" hreflang>` entries: every language, the page's own included, then
    `x-default` (the default language's address), each an absolute URL from SITE_URL, as search engines want."""
    links = [{"hreflang": lang["code"], "href": settings.SITE_URL + lang["url"]} for lang in languages]
    default = next((link for link in links if link["hreflang"] == settings.LANGUAGE_CODE), None)
    if default:
        links.append({"hreflang": "x-default", "href": default["href"]})
    return links


def site(request: HttpRequest) -> dict:
    current = translation.get_language() or settings.LANGUAGE_CODE
    # the page's path alone: a cached page must not carry one visitor's query string to the next, and a path
    # such as //evil.example/ must not become a link to another site
    path = "/" + request.path.lstrip("/")
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    return {
        "portal": SimpleLazyObject(site_identity),
        "languages": languages,
        "alternates": alternates(languages),
        "is_staff_member": lambda: access.is_staff_member(request.user),
    }
