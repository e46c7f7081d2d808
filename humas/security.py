"""Response headers that Django 5.2 does not set itself (Content-Security-Policy, Permissions-Policy),
and the client address as seen behind a known number of proxies."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


def shows_map(*, geolocation: bool = False):
    """For a view whose page shows a map: its CSP allows the tile server's images (CONTENT_SECURITY_POLICY_MAP),
    and with `geolocation` the page may ask the browser for the user's position (asked only on a click)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY_MAP
            if geolocation:
                response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self), payment=()"
            return response

        return wrapper

    return decorate


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with PROXY_COUNT proxies in front, the address the outermost one of ours saw."""
    count = settings.PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")
