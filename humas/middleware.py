"""The API speaks the client's language: Accept-Language decides there (Indonesian by default), whereas the
pages take it from the URL (/ or /en/)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
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
