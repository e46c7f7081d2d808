"""The report's pages: the staff page (per unit and the tree below, a chart, XLSX, printable) and the public
statistics (the same counts, no personal data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from humas import access
from humas.models import Unit
from humas.views import staff_required
from information.reporting import exports
from information.reporting.report import build, parse_period, public_units, years_available

BAR_WIDTH = 480


def chart(report) -> list[dict]:
    """Horizontal bars of the outcomes (SVG geometry; the template draws them)."""
    bars = []
    items = [(s, label, report.total.outcomes.get(s, 0)) for s, label in report.outcome_labels]
    top = max([report.total.received, *(n for _s, _l, n in items)], default=0) or 1
    for index, (status, label, count) in enumerate(items):
        bars.append({"status": status, "label": label, "count": count, "y": index * 32,
                     "width": round(BAR_WIDTH * count / top, 1)})  # fmt: skip
    return bars


def _context(report) -> dict:
    return {
        "report": report,
        "bars": chart(report),
        "chart_height": len(report.outcome_labels) * 32,
        "years": years_available(),
    }


@staff_required
@require_GET
def staff_report(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, "information.view"):
        raise PermissionDenied
    units = access.units_for(request.user, "information.view").active().order_by("name")
    root_slug = request.GET.get("unit", "")
    if root_slug:
        root = units.filter(slug=root_slug).first()
        if root is not None:
            units = Unit.objects.subtree_of([root]).active().order_by("name")
    report = build(units, parse_period(request.GET))
    if request.GET.get("format") == "xlsx":
        return exports.report_xlsx(report)
    context = _context(report)
    context.update(unit_choices=access.units_for(request.user, "information.view").active().order_by("name"),
                   root_slug=root_slug, semester=report.period.semester)  # fmt: skip
    return render(request, "information/staff/report.html", context)


@require_GET
def public_statistics(request: HttpRequest) -> HttpResponse:
    report = build(public_units(), parse_period(request.GET))
    return render(request, "information/statistics.html", {**_context(report), "semester": report.period.semester})
