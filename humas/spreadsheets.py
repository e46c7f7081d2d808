"""Shared by every export: text a spreadsheet program would run as a formula is written as text."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A leading apostrophe for text that starts like a formula (CSV/XLSX injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
