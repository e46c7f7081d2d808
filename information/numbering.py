"""Registration numbers: a sequence per unit and year (the unit's own calendar year), formatted by the
INFORMATION_NUMBER_FORMAT setting, e.g. '001/PPID-KANWIL/XII/2026'."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from humas import dates
from humas.models import Unit
from information.models import Sequence

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def unit_code(unit: Unit) -> str:
    return "-".join((unit.short_name or unit.slug).upper().split())


def format_number(*, seq: int, unit: Unit, month: int, year: int) -> str:
    return settings.INFORMATION_NUMBER_FORMAT.format(seq=seq, unit=unit_code(unit), month=ROMAN[month - 1], year=year)


def draw(unit: Unit, when: datetime) -> tuple[int, int, str]:
    """The next (year, sequence, number) of `unit` for a request registered at `when`. Call inside the
    transaction that stores the request: the sequence row stays locked until it commits."""
    local = dates.to_local(when, unit.time_zone)
    Sequence.objects.bulk_create([Sequence(unit=unit, year=local.year)], ignore_conflicts=True)
    row = Sequence.objects.select_for_update().get(unit=unit, year=local.year)
    row.last += 1
    row.save(update_fields=["last"])
    return local.year, row.last, format_number(seq=row.last, unit=unit, month=local.month, year=local.year)
