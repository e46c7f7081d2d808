"""Response headers that Django 5.2 does not set itself (Content-Security-Policy, Permissions-Policy), the
limits a request meets before anything reads its body, and the client address as seen behind a known number
of proxies."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from . import ratelimit


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


def lockout_address(request: HttpRequest) -> str:
    """The client address django-axes counts sign-in failures by: an IPv6 address as its /64."""
    return ratelimit.bucket(client_ip(request))


def allow_post(request: HttpRequest, action: str) -> bool:
    """Count this request's attempt at `action` once (ratelimit.allow), whoever asks first: the middleware
    below, before the body is read, or the view itself; the answer is kept on the request for the other."""
    decided = getattr(request, "humas_rate_limits", None)  # a DRF Request finds its HttpRequest's
    if decided is None:
        decided = request.humas_rate_limits = {}
    if action not in decided:
        decided[action] = ratelimit.allow(action, client_ip(request))
    return decided[action]


# routes whose POST is refused unread once the client used up the action's rate limit (URL name → policy)
THROTTLED_POSTS = {
    "complaints:form": "complaint-submit",
    "api:complaint-submit": "complaint-submit",
}


class RequestLimitsMiddleware:
    """Before anything reads a request's body (the CSRF check, a form, a parser): a body larger than
    MAX_REQUEST_BYTES (a multipart upload) or DATA_UPLOAD_MAX_MEMORY_SIZE (anything else) by its Content-Length
    answers 413, and a POST to a throttled route is counted (allow_post) and answers 429 once the client used
    up its limit, so a flood of large uploads is neither stored in temporary files nor parsed. The view asks
    allow_post too, which gives it the same answer without counting twice. A query string carrying a NUL
    byte answers 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        bad = sorted({key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)})
        if bad:
            # a NUL byte in a query parameter is never meant (PostgreSQL refuses it in any text): say so once
            # here rather than 500 wherever a parameter meets a query; the API names the parameters
            if request.path_info.startswith("/api/"):
                message = _("A query parameter holds a character that is not allowed (NUL).")
                errors = {key.replace("\x00", ""): [message] for key in bad}
                return JsonResponse({"detail": message, "errors": errors}, status=400)
            return self.answer(request, 400, _("The request is malformed."))
        if request.method in ("POST", "PUT", "PATCH"):
            refused = self.refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return self.answer(request, 400, _("The request is malformed."))
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        # only a multipart body carries files; any other (a form, JSON read whole into memory by the API's
        # parser) stays within DATA_UPLOAD_MAX_MEMORY_SIZE
        most = settings.MAX_REQUEST_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > most:
            limit = most // (1024 * 1024)
            return self.answer(
                request,
                413,
                _("What you sent is too large: at most %(limit)d MB can be sent at once.") % {"limit": limit},
            )
        try:
            action = THROTTLED_POSTS.get(resolve(request.path_info).view_name)
        except Resolver404:
            return None
        if action and not allow_post(request, action):
            return self.answer(request, 429, _("Too many requests from your network. Wait a while and try again."))
        return None

    @staticmethod
    def answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": {}}, status=status)
        return render(request, "refused.html", {"message": message}, status=status)
