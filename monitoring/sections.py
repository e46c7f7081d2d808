"""What media monitoring puts into the other apps' slots: the staff menu item, the top issues on the console's
home page (the leadership dashboard), a release's coverage on its staff page, and the count of outlets beside
its reads by channel."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from humas import access

from . import coverage, issues

ACTION = "monitoring.view"


def staff_menu_item(request: HttpRequest, **context) -> str:
    if not access.has_any(request.user, ACTION):
        return ""
    return render_to_string("monitoring/_staff_menu.html", {}, request=request)


def dashboard_issues(request: HttpRequest, **context) -> str:
    """The top issues of the user's units in the last 24 hours, refreshing like the dashboard: on the
    leadership dashboard, so for those who see it (the others open /staf/isu/ from the menu)."""
    if not access.has_any(request.user, ACTION) or not access.has_any(request.user, "dashboard.view"):
        return ""
    period = "24h"
    found = issues.top_issues(access.unit_ids_for(request.user, ACTION), period=period)
    return render_to_string(
        "monitoring/_dashboard_issues.html",
        {"issues": found, "period": period, "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS},
        request=request,
    )


def release_coverage(request: HttpRequest, *, release) -> str:
    if not release.published_at or not access.can(request.user, ACTION, release):
        return ""
    return render_to_string(
        "monitoring/_release_coverage.html",
        {"release": release, "coverage": coverage.for_release(release.pk)},
        request=request,
    )


def release_reach_coverage(request: HttpRequest, *, release) -> str:
    if not release.published_at or not access.can(request.user, ACTION, release):
        return ""
    rows = coverage.for_release(release.pk)
    outlets = sorted({row.clipping.outlet for row in rows})
    return render_to_string(
        "monitoring/_reach_coverage.html", {"release": release, "outlets": outlets, "count": len(rows)}, request=request
    )
