"""Staff monitoring: the live dashboard on the console's home page (and its fragment for polling) and the
recap page with its charts and exports. Views parse, ask the access module and the selectors in
dashboard.py and recap.py, and render; nothing here writes."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from complaints.reporting import charts, dashboard, exports
from complaints.reporting.recap import Period, recap_for, tree_order
from humas import access
from humas.forms import DayPicker, MonthPicker
from humas.models import Unit
from humas.views import staff_required

ACTION = "dashboard.view"
MAX_RANGE_DAYS = 3 * 366
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
DAY_PARTS = ("day", "month", "year")


# --- whose units ------------------------------------------------------------------------------------------


def units_in_scope(user) -> list[Unit]:
    """Every unit where `user` may see the dashboard (their units and the units below), in tree order."""
    if not access.has_any(user, ACTION):
        return []
    found = access.units_for(user, ACTION).only("pk", "name", "slug", "parent_id", "time_zone", "is_active")
    return tree_order(list(found))


def chosen_units(units: list[Unit], slug: str) -> tuple[list[Unit], Unit | None]:
    """The unit picked by slug and its sub-units (all in scope, since scope reaches down); no slug: all.
    A slug outside the scope answers 404, like any other unit's data."""
    if not slug:
        return units, None
    picked = next((u for u in units if u.slug == slug), None)
    if picked is None:
        raise Http404
    below = {picked.pk}
    for unit in units:  # tree order: a parent comes before its children
        if unit.parent_id in below:
            below.add(unit.pk)
    return [u for u in units if u.pk in below], picked


def refresh_seconds() -> int:
    """How often the dashboard's script fetches fresh figures (DASHBOARD_REFRESH_SECONDS, default 30)."""
    return settings.DASHBOARD_REFRESH_SECONDS


# --- the recap's filter -------------------------------------------------------------------------------------


def _day_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DayPicker(),
        error_messages={"invalid": gettext_lazy("Enter a real date as YYYY-MM-DD, e.g. 2026-11-30.")},
    )


class RecapFilterForm(forms.Form):
    PERIODS = [
        ("bulan", gettext_lazy("Month")),
        ("triwulan", gettext_lazy("Quarter")),
        ("tahun", gettext_lazy("Year")),
        ("rentang", gettext_lazy("Date range")),
    ]
    periode = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIODS,
        error_messages={"invalid_choice": gettext_lazy("Choose a month, a quarter, a year or a date range.")},
    )
    bulan = forms.CharField(label=gettext_lazy("Month"), required=False, max_length=7, widget=MonthPicker())
    triwulan = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a quarter from I to IV.")},
    )
    tahun = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": gettext_lazy("Enter a year such as 2026."),
            "min_value": gettext_lazy("Enter a year from 2000 to 2100."),
            "max_value": gettext_lazy("Enter a year from 2000 to 2100."),
        },
    )
    dari = _day_field(gettext_lazy("From"))
    sampai = _day_field(gettext_lazy("Until"))

    @staticmethod
    def data_with_defaults(query, today: date) -> dict:
        """The query string over today's defaults: this month; a bare from/until means a date range."""
        data = {
            "periode": "bulan",
            "bulan": f"{today:%Y-%m}",
            "triwulan": str((today.month + 2) // 3),
            "tahun": str(today.year),
        }
        # the pickers send their parts (bulan_0 and bulan_1, dari_day, dari_month, dari_year …); a link may
        # send the whole value (bulan=2026-11, dari=2026-11-01)
        parts = ("bulan_0", "bulan_1", *(f"{day}_{part}" for day in ("dari", "sampai") for part in DAY_PARTS))
        keys = ("periode", "bulan", "triwulan", "tahun", "dari", "sampai", *parts)
        given = {key: query.get(key) for key in keys}
        if given["bulan_0"] or given["bulan_1"]:
            data.pop("bulan")
        ranged = any(value for key, value in given.items() if key.startswith(("dari", "sampai")))
        if not given["periode"] and ranged:
            data["periode"] = "rentang"
        data.update({key: value for key, value in given.items() if value})
        return data

    def clean_bulan(self) -> tuple[int, int] | None:
        value = (self.cleaned_data.get("bulan") or "").strip()
        if not value:
            return None
        match = MONTH_RE.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."))
        return int(match[1]), int(match[2])

    def clean(self):
        data = super().clean()
        kind = data.get("periode")
        if kind == "bulan" and data.get("bulan"):
            data["period"] = Period.month(*data["bulan"])
        elif kind == "bulan" and "bulan" not in self.errors:
            self.add_error("bulan", _("Choose a month."))
        elif kind == "triwulan":
            if data.get("tahun") and data.get("triwulan"):
                data["period"] = Period.quarter(data["tahun"], data["triwulan"])
            elif not self.errors:
                self.add_error("triwulan", _("Choose a quarter and a year."))
        elif kind == "tahun":
            if data.get("tahun"):
                data["period"] = Period.year(data["tahun"])
            elif "tahun" not in self.errors:
                self.add_error("tahun", _("Enter a year such as 2026."))
        elif kind == "rentang" and not self.errors:
            start, end = data.get("dari"), data.get("sampai")
            if not start or not end:
                self.add_error("dari" if not start else "sampai", _("Enter both the first and the last day."))
            elif end < start:
                self.add_error("sampai", _("The last day comes before the first day."))
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("sampai", _("A date range may cover at most three years."))
            else:
                data["period"] = Period.between(start, end)
        return data


# --- the recap page and its exports -----------------------------------------------------------------------


def _units_or_403(request: HttpRequest) -> list[Unit]:
    units = units_in_scope(request.user)
    if not units:
        raise PermissionDenied
    return units


@require_GET
@staff_required
def recap_page(request: HttpRequest) -> HttpResponse:
    units = _units_or_403(request)
    selected, picked = chosen_units(units, request.GET.get("unit", ""))
    form = RecapFilterForm(RecapFilterForm.data_with_defaults(request.GET, timezone.localdate()))
    context = {"form": form, "units": units, "picked": picked}
    if not form.is_valid():
        return render(request, "complaints/recap.html", context, status=400)
    recap = recap_for(selected, form.cleaned_data["period"])
    export = request.GET.get("format", "")
    if export == "csv":
        return exports.recap_csv(recap)
    if export == "xlsx":
        return exports.recap_xlsx(recap)
    query = request.GET.copy()
    query.pop("format", None)
    show_zero = request.GET.get("kosong") == "1"
    groups = [group for group in recap.unit_groups() if show_zero or group.total.total]
    zero_query = query.copy()
    zero_query.pop("kosong", None)
    if not show_zero:
        zero_query["kosong"] = "1"
    context.update(
        recap=recap,
        groups=groups,
        show_zero=show_zero,
        hidden_zero=0 if show_zero else len(recap.units) - len(groups),
        zero_query=zero_query.urlencode(),
        bars=charts.stacked_bars(
            [
                (row.unit.name, [(s, label, n) for (s, label), n in zip(recap.statuses, row.counts, strict=True)])
                for row in recap.unit_totals()
                if row.total
            ]
        ),
        line=charts.weekly_line(recap.weekly),
        query=query.urlencode(),
    )
    return render(request, "complaints/recap.html", context)


# --- the dashboard ------------------------------------------------------------------------------------------


def _dashboard_context(units: list[Unit], slug: str) -> dict:
    selected, picked = chosen_units(units, slug)
    return {
        "summary": dashboard.summary(selected),
        "units": units,
        "picked": picked,
        "refresh_seconds": refresh_seconds(),
    }


@require_GET
@never_cache
@staff_required
def dashboard_fragment(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures alone, for the page's script to swap in every 30 seconds."""
    context = _dashboard_context(_units_or_403(request), request.GET.get("unit", ""))
    return render(request, "complaints/dashboard_figures.html", context)


def render_dashboard(request: HttpRequest, **context) -> str:
    """The "staff_home" slot: the dashboard, for users who may see it in some unit."""
    units = units_in_scope(request.user)
    if not units:
        return ""
    try:
        values = _dashboard_context(units, request.GET.get("unit", ""))
    except Http404:  # a unit outside the scope: show the whole scope and say so, never that unit
        values = {**_dashboard_context(units, ""), "unknown_unit": True}
    return render_to_string("complaints/dashboard.html", values, request=request)


def render_menu(request: HttpRequest, **context) -> str:
    """The "staff_menu" slot: a link to the recap for users who may see it."""
    if not access.has_any(request.user, ACTION):
        return ""
    return render_to_string("complaints/_recap_menu.html", {}, request=request)
