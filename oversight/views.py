"""The units' compliance page (/staf/kepatuhan/, with its XLSX), its card on the console's home page and its
menu entry. Who sees which units is the dashboard's rule (complaints.reporting.views): leadership and officers
see their units and the units below; another unit answers 404, a role without the dashboard 403."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from complaints.reporting.charts import stacked_bars
from complaints.reporting.recap import Period
from complaints.reporting.views import RecapFilterForm, chosen_units, units_in_scope
from humas import access
from humas.views import staff_required
from oversight import charts, exports
from oversight.compliance import compliance_for

ACTION = "dashboard.view"


class PeriodForm(RecapFilterForm):
    """The recap's period picker without the date range: the handling figures count by calendar month."""

    PERIODS = RecapFilterForm.PERIODS[:3]
    periode = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIODS,
        error_messages={"invalid_choice": gettext_lazy("Choose a month, a quarter or a year.")},
    )
    dari = None
    sampai = None


def _chart_context(result) -> dict:
    on_time = charts.percent_bars(
        [
            (
                row.unit.name,
                [
                    ("verify", gettext_lazy("Verified on time"), row.verified.percent),
                    ("respond", gettext_lazy("Answered on time"), row.answered.percent),
                    ("resolve", gettext_lazy("Resolved on time"), row.resolved.percent),
                ],
            )
            for row in result.rows
            if row.received or row.verified.count or row.answered.count or row.resolved.count
        ]
    )
    activity = stacked_bars(
        [
            (row.unit.name, [("releases", gettext_lazy("Releases"), row.releases),
                             ("posts", gettext_lazy("Social posts"), row.posts)])
            for row in result.rows
        ]
    )  # fmt: skip
    return {"on_time": on_time, "activity": activity}


@require_GET
@staff_required
def compliance_page(request: HttpRequest) -> HttpResponse:
    units = units_in_scope(request.user)
    if not units:
        raise PermissionDenied
    selected, picked = chosen_units(units, request.GET.get("unit", ""))
    form = PeriodForm(PeriodForm.data_with_defaults(request.GET, timezone.localdate()))
    context = {"form": form, "units": units, "picked": picked}
    if not form.is_valid():
        return render(request, "oversight/compliance.html", context, status=400)
    result = compliance_for(selected, form.cleaned_data["period"])
    if request.GET.get("format") == "xlsx":
        return exports.compliance_xlsx(result)
    query = request.GET.copy()
    query.pop("format", None)
    context.update(result=result, query=query.urlencode(), **_chart_context(result))
    return render(request, "oversight/compliance.html", context)


def render_dashboard(request: HttpRequest, **context) -> str:
    """The "staff_home" slot: this month's units that need attention, for those who may see the dashboard."""
    units = units_in_scope(request.user)
    if not units:
        return ""
    try:
        selected, picked = chosen_units(units, request.GET.get("unit", ""))
    except Http404:
        selected, picked = units, None
    today = timezone.localdate()
    result = compliance_for(selected, Period.month(today.year, today.month))
    return render_to_string("oversight/_dashboard.html", {"result": result, "picked": picked}, request=request)


def render_menu(request: HttpRequest, **context) -> str:
    if not access.has_any(request.user, ACTION):
        return ""
    return render_to_string("oversight/_menu.html", {}, request=request)
