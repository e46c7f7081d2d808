"""The staff pages of media monitoring under /staf/isu/: the issues (the PRCC view) and their fragment for
the live refresh, the sources with their fetch status, the watchlist, and the clippings. Views parse, ask
the access module, call a service or a selector and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from humas import access
from humas.errors import Refused
from humas.forms import MonthPicker
from humas.views import staff_required

from . import analysis, clippings, issues, sources, watchlist
from .forms import (
    AnalysisForm,
    ClippingFilterForm,
    ClippingForm,
    IssuesQueryForm,
    SourceForm,
    ToneForm,
    WatchTermForm,
)  # fmt: skip
from .models import Clipping, Source, WatchTerm

VIEW = "monitoring.view"
MANAGE = "monitoring.manage"
PAGE_SIZE = 50
BROAD_SAMPLE = 100


def _require(user, action: str) -> None:
    if not access.has_any(user, action):
        raise PermissionDenied


def _issues_context(request: HttpRequest) -> dict:
    form = IssuesQueryForm(request.GET, user=request.user)
    if form.is_valid():
        period, unit, scope = form.cleaned_data["periode"], form.cleaned_data["unit"], form.scope()
    else:  # a bad period or a unit not among the user's: say so, show the defaults
        period, unit, scope = issues.DEFAULT_PERIOD, None, access.unit_ids_for(request.user, VIEW)
    return {
        "form": form,
        "period": period,
        "period_label": issues.PERIOD_LABELS[period],
        "periods": issues.PERIOD_LABELS,
        "picked": unit,
        "units": access.units_for(request.user, VIEW).filter(is_active=True).order_by("name"),
        "issues": issues.top_issues(scope, period=period),
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "now": timezone.now(),
    }


@require_GET
@staff_required
def issues_page(request: HttpRequest) -> HttpResponse:
    _require(request.user, VIEW)
    context = _issues_context(request)
    return render(request, "monitoring/issues.html", context, status=200 if context["form"].is_valid() else 400)


@require_GET
@never_cache
@staff_required
def issues_fragment(request: HttpRequest) -> HttpResponse:
    """The issues alone, for the page's script to swap in."""
    _require(request.user, VIEW)
    return render(request, "monitoring/_issues.html", _issues_context(request))


# --- sources ------------------------------------------------------------------------------------------------


@staff_required
def sources_page(request: HttpRequest) -> HttpResponse:
    _require(request.user, VIEW)
    may_manage = access.has_any(request.user, MANAGE)
    form = SourceForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        _require(request.user, MANAGE)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                source = sources.register(
                    unit_id=data["unit"].pk, name=data["name"], outlet=data["outlet"], url=data["url"],
                    interval_minutes=data["interval_minutes"],
                )  # fmt: skip
            except Refused as exc:
                form.add_error("url", exc.message)
            else:
                added = _("Source “%(name)s” added; it is fetched within a minute.") % {"name": source}
                messages.success(request, added)
                return redirect("monitoring:sources")
    listed = access.scope(request.user, VIEW, Source.objects.select_related("unit")).order_by("unit__name", "outlet")
    return render(
        request, "monitoring/sources.html", {"sources": listed, "form": form, "may_manage": may_manage}, status=status
    )


@require_POST
@staff_required
def source_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    source = access.get_for(request.user, MANAGE, Source.objects.all(), pk=pk)
    if action == "aktif":
        sources.set_active(source, active=not source.is_active)
    elif action == "ambil":
        from .tasks import fetch_source_task

        Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())
        transaction.on_commit(lambda: fetch_source_task.delay(source.pk))
        messages.success(request, _("The source is being fetched now; reload in a moment."))
    else:
        raise PermissionDenied
    return redirect("monitoring:sources")


# --- the watchlist ------------------------------------------------------------------------------------------


@staff_required
def watchlist_page(request: HttpRequest) -> HttpResponse:
    _require(request.user, VIEW)
    form = WatchTermForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        _require(request.user, MANAGE)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            term, created = WatchTerm.objects.get_or_create(
                unit=data["unit"], phrase=data["phrase"].strip(), is_exclusion=data["is_exclusion"]
            )
            if created:
                sample = list(
                    Clipping.objects.filter(unit=data["unit"]).order_by("-published_at")
                    .values_list("title", flat=True)[:BROAD_SAMPLE]
                )  # fmt: skip
                warning = "" if term.is_exclusion else watchlist.breadth_warning(term.phrase, sample)
                if warning:
                    messages.warning(request, warning)
                messages.success(request, _("“%(phrase)s” added to the watchlist.") % {"phrase": term.phrase})
            else:
                messages.info(request, _("“%(phrase)s” is already on the watchlist.") % {"phrase": term.phrase})
            return redirect("monitoring:watchlist")
    listed = access.scope(request.user, VIEW, WatchTerm.objects.select_related("unit")).order_by(
        "unit__name", "is_exclusion", "phrase"
    )
    return render(
        request, "monitoring/watchlist.html",
        {"terms": listed, "form": form, "may_manage": access.has_any(request.user, MANAGE)}, status=status,
    )  # fmt: skip


@require_POST
@staff_required
def watchterm_delete(request: HttpRequest, pk: int) -> HttpResponse:
    term = access.get_for(request.user, MANAGE, WatchTerm.objects.all(), pk=pk)
    term.delete()
    messages.success(request, _("“%(phrase)s” removed from the watchlist.") % {"phrase": term.phrase})
    return redirect("monitoring:watchlist")


# --- clippings ----------------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, form: ClippingFilterForm):
    rows = access.scope(request.user, VIEW, Clipping.objects.all())
    data = form.cleaned_data if form.is_valid() else {}
    relevance = data.get("relevansi", "")
    if relevance == "":
        rows = rows.filter(is_irrelevant=False)
    elif relevance == "tidak":
        rows = rows.filter(is_irrelevant=True)
    if data.get("periode"):
        rows = rows.filter(published_at__gte=timezone.now() - issues.PERIODS[data["periode"]])
    if data.get("nada"):
        rows = rows.filter(tone=data["nada"])
    for word in (data.get("q") or "").split()[:6]:
        rows = rows.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return rows.select_related("unit").order_by("-published_at", "-pk")


@staff_required
def clippings_page(request: HttpRequest) -> HttpResponse:
    _require(request.user, VIEW)
    filters = ClippingFilterForm(request.GET)
    page = Paginator(_filtered(request, filters), PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    may_manage = access.has_any(request.user, MANAGE)
    form = ClippingForm(request.POST or None, user=request.user) if may_manage else None
    status = 200
    if request.method == "POST":
        _require(request.user, MANAGE)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                clipping = clippings.add_by_hand(
                    unit_id=data["unit"].pk, url=data["url"], title=data["title"], outlet=data["outlet"],
                    summary=data["summary"], published_at=data["published_at"], by=request.user,
                )  # fmt: skip
            except Refused as exc:
                form.add_error("url", exc.message)
            else:
                messages.success(request, _("Clipping “%(title)s” added.") % {"title": clipping.title})
                return redirect("monitoring:clippings")
    return render(
        request, "monitoring/clippings.html",
        {"page": page, "filters": filters, "query": query.urlencode(), "form": form, "may_manage": may_manage,
         "tone_form": ToneForm()},
        status=status,
    )  # fmt: skip


@require_POST
@staff_required
def clipping_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    clipping = access.get_for(request.user, MANAGE, Clipping.objects.all(), pk=pk)
    if action == "relevansi":
        clippings.set_relevance(clipping, irrelevant=not clipping.is_irrelevant, by=request.user)
        messages.success(request, _("Clipping updated."))
    elif action == "nada":
        form = ToneForm(request.POST)
        if form.is_valid():
            clippings.correct_tone(clipping, tone=form.cleaned_data["tone"], by=request.user)
            messages.success(request, _("Tone corrected; the next training of the model learns from it."))
        else:
            messages.error(request, " ".join(form.errors.get("tone", [])))
    else:
        raise PermissionDenied
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/staf/isu/") else "monitoring:clippings")


# --- the monthly media analysis -----------------------------------------------------------------------------


@require_GET
@staff_required
def analysis_page(request: HttpRequest) -> HttpResponse:
    """?bulan=YYYY-MM (default this month) &unit=<slug> &format=xlsx | &cetak=1 (the printable page)."""
    _require(request.user, VIEW)
    form = AnalysisForm(request.GET, user=request.user)
    typed = MonthPicker().value_from_datadict(request.GET, {}, "bulan")  # shown again when it cannot be read
    status = 200
    if not form.is_valid():
        status = 400
        form = AnalysisForm({}, user=request.user)
        form.is_valid()
    month, unit = form.cleaned_data["bulan"], form.cleaned_data["unit"]
    result = analysis.analyse(form.scope(), month)
    title = _("Media analysis, %(month)s. Units: %(units)s") % {
        "month": result.label,
        "units": unit.name if unit else _("all my units"),
    }
    if request.GET.get("format") == "xlsx" and status == 200:
        return analysis.xlsx(result, title=title)
    context = {
        "analysis": result, "title": title, "picked": unit, "errors": status == 400,
        "units": access.units_for(request.user, VIEW).filter(is_active=True).order_by("name"),
        "month_picker": MonthPicker().render("bulan", typed if status == 400 and typed else f"{month:%Y-%m}",
                                             attrs={"id": "id_bulan"}),
        "query": f"bulan={month:%Y-%m}" + (f"&unit={unit.slug}" if unit else ""),
    }  # fmt: skip
    template = "monitoring/analysis_print.html" if request.GET.get("cetak") else "monitoring/analysis.html"
    return render(request, template, context, status=status)
