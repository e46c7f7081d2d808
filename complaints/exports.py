"""The recap table as CSV and XLSX, with Indonesian headers whatever the page's language (the files go to
Indonesian offices' archives and spreadsheets)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .recap import Recap

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def title(recap: Recap) -> str:
    names = ", ".join(unit.name for unit in recap.units) or _("no unit")
    return _("Recap of reports, %(period)s. Units: %(units)s") % {"period": recap.period.label, "units": names}


def header(recap: Recap) -> list[str]:
    return [_("Work unit"), _("Kind"), *(str(label) for _value, label in recap.statuses), _("Total")]


def table_rows(recap: Recap) -> list[list[str | int]]:
    rows: list[list[str | int]] = [[row.unit.name, str(row.kind_label), *row.counts, row.total] for row in recap.rows]
    rows.append([_("All units"), _("All kinds"), *recap.totals, recap.total])
    return rows


def filename(recap: Recap, extension: str) -> str:
    return f"rekap-pengaduan-{recap.period.slug}.{extension}"


def recap_csv(recap: Recap) -> HttpResponse:
    with translation.override("id"):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header(recap))
        for row in table_rows(recap):
            writer.writerow([_safe(v) if isinstance(v, str) else v for v in row])
        name = filename(recap, "csv")
    # a byte-order mark lets spreadsheet programs read the file as UTF-8
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def recap_workbook(recap: Recap) -> Workbook:
    with translation.override("id"):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Recap")
        columns = header(recap)
        sheet.append([title(recap)])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        sheet.append(columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for values in table_rows(recap):
            sheet.append([0 if v is None else v for v in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a unit named "=..." stays text, never a formula
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C3"
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 22
    return book


def recap_xlsx(recap: Recap) -> HttpResponse:
    out = io.BytesIO()
    recap_workbook(recap).save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(recap, "xlsx")}"'
    return response
