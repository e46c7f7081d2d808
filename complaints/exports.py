"""Spreadsheets of the staff side, with Indonesian headers. The reporter's identity is written only where the
console would show it to the same user (never an `anonim` reporter to the handling unit)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from humas import dates

from . import queue, sla

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 50_000


def queue_xlsx(request, reports) -> HttpResponse:
    """The filtered queue (up to 50,000 rows) as an .xlsx file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Reports"))
    headers = [
        _("Tracking code"), _("Received"), _("Kind"), _("Unit"), _("Category"), _("Channel"), _("Title"),
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
    for report in reports[:MAX_ROWS].iterator(chunk_size=2000):
        due = sla.current_due(report)
        identity = queue.shows_identity(request.user, report)
        tz = report.unit.time_zone
        sheet.append(
            [
                report.display_code,
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
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="pengaduan-{stamp}.xlsx"'
    return response
