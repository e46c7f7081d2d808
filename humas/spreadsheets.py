"""The one door every CSV and XLSX the portal writes goes through (the complaints queue, the recap, the media
subscribers, the reach report): text a spreadsheet program would run as a formula is written as text.

A value typed into a public form ("=HYPERLINK(…)", "+62 812…", "@SUM(…)", an e-mail address "=cmd@x.id")
would otherwise run when a staff member opens the export. A text value starting with `=`, `+`, `-`, `@`, a tab
or a carriage return gets a leading apostrophe (OWASP's advice: the value stays readable); numbers, dates and
empty cells pass unchanged.

    writer = spreadsheets.csv_writer(out);  writer.writerow([name, email, 3])
    sheet.append(spreadsheets.safe_row([title, unit, date, views]))
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A leading apostrophe for text that starts like a formula (CSV/XLSX injection); other values as given."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def unescape(value: str) -> str:
    """A cell read back from a file the portal exported: the apostrophe `safe_cell` added goes again."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """csv.writer whose every row goes through `safe_row`."""

    def __init__(self, out, **options):
        self.writer = csv.writer(out, **options)

    def writerow(self, values: Iterable[Any]):
        return self.writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options) -> SafeWriter:
    return SafeWriter(out, **options)
