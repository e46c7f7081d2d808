"""Place names for a reported point: an optional reverse geocoder (Nominatim's API, or any server that speaks
it) named by MAP_GEOCODER_URL, off by default. Asked by the portal, not by the browser, so that the reporter's
address never goes to a third party from their own device and the answers are cached and throttled here."""

from __future__ import annotations

import json
import logging
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 4
CACHE_SECONDS = 24 * 3600
MAX_NAME = 200


def enabled() -> bool:
    return bool(settings.MAP_GEOCODER_URL)


def place_name(lat: float, lng: float, *, language: str = "id") -> str:
    """The place name of the point ('' when the geocoder is off, does not know it, or does not answer)."""
    if not enabled():
        return ""
    key = f"complaints:place:{language}:{lat:.4f}:{lng:.4f}"  # about 10 m: neighbours share the answer
    cached = cache.get(key)
    if cached is not None:
        return cached
    query = urlencode({"format": "jsonv2", "lat": f"{lat:.6f}", "lon": f"{lng:.6f}", "zoom": 18,
                       "accept-language": language})  # fmt: skip
    request = Request(  # noqa: S310 (the URL is the administrator's setting, http(s) only: checked in settings)
        f"{settings.MAP_GEOCODER_URL.rstrip('/')}/reverse?{query}",
        headers={"User-Agent": f"humas-portal ({settings.SITE_URL})", "Accept": "application/json"},
    )
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            found = json.loads(response.read(256 * 1024))
    except (URLError, OSError, ValueError) as exc:
        logger.warning("geocoder did not answer: %s", type(exc).__name__)  # never the coordinates (personal data)
        return ""
    name = str(found.get("display_name") or "")[:MAX_NAME] if isinstance(found, dict) else ""
    cache.set(key, name, CACHE_SECONDS)
    return name
