"""Console pages of the social distribution: recording a post of a release, the monthly content report."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from humas import access
from humas.errors import Refused
from humas.forms import MonthPicker
from humas.models import Unit
from humas.spreadsheets import safe_row
from humas.views import staff_required

from ..console import _refused, _release_for
from . import posts, reach
from .forms import PostForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_required
@require_POST
def log_post(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk, "channel.log")  # a viewer sees the release (403), another unit's: 404
    form = PostForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    else:
        try:
            posts.log_post(release, channel_id=form.cleaned_data["channel"], by=request.user,
                           post_url=form.cleaned_data["post_url"])  # fmt: skip
        except Refused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Post recorded."))
    return redirect(f"{request.build_absolute_uri(release_console_url(release))}#distribution")


def release_console_url(release) -> str:
    return reverse("releases:staff_detail", kwargs={"pk": release.pk})


def _month(text: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (text or "").split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return None


@staff_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """Top releases and views per channel in a month, for the user's units (or one of them)."""
    unit_ids = access.unit_ids_for(request.user, "release.view")
    if unit_ids is not None and not unit_ids:
        return render(request, "403.html", status=403)
    status = 200
    error = ""
    today = timezone.localdate()
    month = date(today.year, today.month, 1)
    picked = MonthPicker().value_from_datadict(request.GET, {}, "bulan")  # bulan=YYYY-MM or the picker's parts
    if picked:
        month = _month(picked) or month
        if _month(picked) is None:
            error, status = _("Choose a month as YYYY-MM, e.g. 2026-11."), 400
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
    chosen = None
    scope = unit_ids
    if request.GET.get("unit"):
        chosen = units.filter(slug=request.GET["unit"]).first()
        if chosen is None:
            raise Http404
        scope = frozenset(Unit.objects.subtree_of([chosen]).values_list("pk", flat=True))
    report = reach.monthly_report(unit_ids=scope, month=month)
    if request.GET.get("format") == "xlsx" and not error:
        return _xlsx(report)
    peak = max([views for _s, _l, views in report.by_source], default=0)
    return render(
        request,
        "releases/social/report.html",
        {
            "report": report,
            "error": error,
            "units": units.order_by("name"),
            "chosen": chosen,
            "month_value": f"{month:%Y-%m}",
            "month_picker": MonthPicker().render("bulan", picked or f"{month:%Y-%m}", attrs={"id": "id_bulan"}),
            "peak": peak or 1,
        },
        status=status,
    )


def _xlsx(report: reach.MonthlyReport) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "Rilis teratas"
    bold = Font(bold=True)
    sheet.append([f"Laporan konten bulan {report.month:%m/%Y}"])
    sheet["A1"].font = bold
    sheet.append(["Judul", "Unit", "Tanggal terbit", "Dibaca"])
    for cell in sheet[2]:
        cell.font = bold
    for release, views in report.top:
        published = release.published_at.date() if release.published_at else None
        sheet.append(safe_row([release.title, release.unit.name if release.unit_id else "", published, views]))
    channels = book.create_sheet("Per kanal")
    channels.append(["Sumber", "Dibaca"])
    for cell in channels[1]:
        cell.font = bold
    for _source, label, views in report.by_source:
        channels.append(safe_row([str(label), views]))
    channels.append(["Jumlah", report.total])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="laporan-konten-{report.month:%Y-%m}.xlsx"'
    return response
