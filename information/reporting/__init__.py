"""The yearly and semester report of the PPID service and the selectors other apps read.

`on_time_counts(units, start, end)` is the one selector for "information requests answered on time" (the
unit-compliance page): see information.reporting.report.on_time_counts."""

from __future__ import annotations


def on_time_counts(units, start, end):
    from information.reporting.report import on_time_counts as count

    return count(units, start, end)
