"""What releases put into the shared templates' slots: the home page's latest releases, the staff menu item."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from humas import access

from .newsroom import cache, selectors

HOME_COUNT = 4


def home_latest(request: HttpRequest) -> str:
    def build() -> str:
        releases = list(selectors.public_list()[:HOME_COUNT])
        selectors.attach_featured(releases)
        return render_to_string("releases/_home_section.html", {"releases": releases}, request=request)

    return cache.fetch(("home", translation.get_language()), build)


def staff_menu_item(request: HttpRequest) -> str:
    if not access.has_any(request.user, "release.view"):
        return ""
    return render_to_string("releases/_staff_menu.html", {}, request=request)
