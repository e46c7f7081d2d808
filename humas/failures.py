"""What a visitor gets when a request fails on the server (the root URLconf's handler500). PostgreSQL
restarting or unreachable (django.db's OperationalError / InterfaceError) is a passing outage, not a bug:
the answer is 503 with Retry-After, a short Indonesian page (JSON in the API's one error shape under /api/),
never a traceback. The connection it broke is dropped when the request ends and the next request opens a
new one (CONN_HEALTH_CHECKS), so the requests after the restart succeed. The page is rendered without
the context processors, which would ask the database again."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 10
API_PREFIXES = ("/api/", "/open311/")


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside its `except` block, so the exception is sys.exc_info()'s."""
    unavailable = database_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    if unavailable:
        detail = _("The service is briefly unavailable. Please try again in a few seconds.")
    else:
        detail = _("Something went wrong on our side. Please try again shortly.")
    if request.path.startswith(API_PREFIXES):
        response: HttpResponse = JsonResponse({"detail": detail, "errors": {}}, status=status)
    else:
        html = render_to_string("503.html" if unavailable else "500.html", {"detail": detail})
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (a body too large, a malformed multipart body…): the API's error shape under /api/."""
    if request.path.startswith(API_PREFIXES):
        return JsonResponse({"detail": _("The request could not be read."), "errors": {}}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an address under /api/ that names nothing answers in the API's error shape."""
    if request.path.startswith(API_PREFIXES):
        return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)
