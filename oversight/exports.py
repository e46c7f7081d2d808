"""The compliance table as an XLSX workbook, in Indonesian like the recap's export."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from humas.spreadsheets import safe_cell
from oversight.compliance import Compliance, UnitCompliance

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [
        _("Work unit"), _("Releases published"), _("Social posts logged"), _("Reports received"),
        _("Verified"), _("Verified on time"), _("Answered"), _("Answered on time"), _("Resolved"),
        _("Resolved on time"), _("Average rating"), _("Overdue now"), _("Information requests answered"),
        _("Information requests answered on time"), _("Information requests answered late"),
        _("Information requests overdue now"), _("Needs attention"),
    ]  # fmt: skip


def values(row: UnitCompliance) -> list:
    return [
        safe_cell(row.unit.name), row.releases, row.posts, row.received,
        row.verified.count, row.verified.on_time, row.answered.count, row.answered.on_time,
        row.resolved.count, row.resolved.on_time,
        row.average_rating if row.average_rating is not None else "",
        row.overdue, row.requests.count, row.requests.on_time, row.requests_late, row.requests_overdue,
        "; ".join(row.reasons),
    ]  # fmt: skip


def compliance_xlsx(result: Compliance) -> HttpResponse:
    with translation.override("id"):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Compliance")
        sheet.append([_("Unit compliance, %(period)s") % {"period": result.period.label}])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        sheet.append(header())
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*result.rows, result.total]:
            sheet.append(values(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a unit named "=..." stays text, never a formula
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 36
        name = f"kepatuhan-unit-{result.period.slug}.xlsx"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
