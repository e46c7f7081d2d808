"""What releases put into the shared templates' slots: the home page's latest releases, the staff menu item."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from humas import access

from . import newsroom

HOME_COUNT = 4


def home_latest(request: HttpRequest) -> str:
    key = newsroom.cache_key("home", translation.get_language())
    html, current = newsroom.cached(key)
    if html is None:
        releases = list(newsroom.public_list()[:HOME_COUNT])
        newsroom.attach_featured(releases)
        html = render_to_string("releases/_home_section.html", {"releases": releases}, request=request)
        newsroom.store(key, current, html)
    return html


def staff_menu_item(request: HttpRequest) -> str:
    if not access.has_any(request.user, "release.view"):
        return ""
    return render_to_string("releases/_staff_menu.html", {}, request=request)
