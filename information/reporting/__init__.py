"""The yearly and semester report of the PPID service and the selectors other apps read.

`information.reporting.on_time_counts(units, start, end)` is the one selector for "information requests
answered on time" (the unit-compliance page); it is information.reporting.report.on_time_counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from humas.models import Unit
    from information.reporting.report import OnTime


def on_time_counts(units: Iterable[Unit | int], start: date, end: date) -> dict[int, OnTime]:
    """For each unit: requests registered from `start` to `end` inclusive that were answered, answered by their
    due date, and still open past it (imported on call, so that importing the package loads no model)."""
    from information.reporting.report import on_time_counts as count

    return count(units, start, end)
