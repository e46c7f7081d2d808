"""The API speaks the client's language: Accept-Language decides there (Indonesian by default), whereas the
pages take it from the URL (/ or /en/)."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = settings.LANGUAGE_CODE
            for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
                base = code.split("-")[0].lower()
                if base in self.supported:
                    language = base
                    break
            translation.activate(language)
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response
        return self.get_response(request)


class ApiQueryMiddleware:
    """A NUL character in an API query parameter (name or value) is a 400 in the API's error shape: PostgreSQL
    cannot hold one, so it would otherwise fail deep in a query as a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            bad = sorted(
                {key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)}
            )
            if bad:
                message = _("A query parameter holds a character that is not allowed (NUL).")
                return JsonResponse({"detail": message, "errors": {key.replace("\x00", ""): [message] for key in bad}},
                                    status=400)  # fmt: skip
        return self.get_response(request)
