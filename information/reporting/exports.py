"""The report as XLSX, with Indonesian headers whatever the page's language (it goes to the Commission)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from humas.spreadsheets import safe_cell
from information.reporting.report import Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header(report: Report) -> list[str]:
    return [
        _("Work unit"), _("Requests received"), *(label for _s, label in report.outcome_labels), _("Still open"),
        _("Extensions"), _("Answered on time"), _("Average answer time (working days)"),
        _("Longest answer time (working days)"), _("Objections"), _("Objections upheld"), _("Objections rejected"),
        _("Objections awaiting an answer"), _("Disputes at the Information Commission"),
        *(_("Refused on ground %(g)s") % {"g": g} for g, _label in report.ground_labels),
    ]  # fmt: skip


def values(report: Report, row) -> list:
    return [
        safe_cell(row.label), row.received, *(row.outcomes.get(s, 0) for s, _l in report.outcome_labels), row.pending,
        row.extensions, row.on_time, row.days_average, row.days_longest, row.objections, row.upheld, row.rejected,
        row.objections_pending, row.disputes, *(row.grounds.get(g, 0) for g, _l in report.ground_labels),
    ]  # fmt: skip


def report_xlsx(report: Report) -> HttpResponse:
    with translation.override("id"):
        book = Workbook()
        sheet = book.active
        sheet.title = "Laporan PPID"
        sheet.append([_("Public information service report, %(period)s") % {"period": report.period.label}])
        sheet["A1"].font = Font(bold=True)
        sheet.append(header(report))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*report.rows, report.total]:
            sheet.append(values(report, row))
        out = io.BytesIO()
        book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="laporan-ppid-{report.period.slug}.xlsx"'
    return response
