"""The recap table as CSV and XLSX, with Indonesian headers whatever the page's language (the files go to
Indonesian offices' archives and spreadsheets)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from complaints.handling import queue, sla
from complaints.reporting.recap import Recap
from humas import dates
from humas.spreadsheets import csv_writer, safe_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_QUEUE_ROWS = 50_000


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
        writer = csv_writer(out)
        writer.writerow(header(recap))
        writer.writerows(table_rows(recap))
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
        sheet.append(safe_row([title(recap)]))
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        sheet.append(safe_row(columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for values in table_rows(recap):
            sheet.append(safe_row(0 if v is None else v for v in values))
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


# --- the staff queue ----------------------------------------------------------------------------------------
# The reporter's identity is written only where the console would show it to the same user (never an
# `anonim` reporter to the handling unit).


def queue_xlsx(request, reports) -> HttpResponse:
    """The filtered queue (up to 50,000 rows) as an .xlsx file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Reports"))
    headers = [
        _("Reference"), _("Received"), _("Kind"), _("Unit"), _("Category"), _("Channel"), _("Title"),
        _("Status"), _("Deadline"), _("Overdue"), _("Assigned to"), _("Reporter"), _("E-mail"), _("Phone"),
    ]  # fmt: skip
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    now = timezone.now()
    for report in reports[:MAX_QUEUE_ROWS].iterator(chunk_size=2000):
        due = sla.current_due(report)
        identity = queue.shows_identity(request.user, report)
        tz = report.unit.time_zone
        sheet.append(
            safe_row(
                [
                    report.display_reference,
                    dates.to_local(report.created_at, tz).replace(tzinfo=None),
                    report.get_kind_display(),
                    report.unit.name,
                    report.category.name if report.category else "",
                    report.get_channel_display(),
                    report.title,
                    report.get_status_display(),
                    dates.to_local(due, tz).replace(tzinfo=None) if due else None,
                    _("yes") if sla.is_overdue(report, now) else "",
                    (report.assigned_to.get_full_name() or report.assigned_to.username) if report.assigned_to else "",
                    report.reporter_name if identity else "",
                    report.reporter_email if identity else "",
                    report.reporter_phone if identity else "",
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="pengaduan-{stamp}.xlsx"'
    return response
