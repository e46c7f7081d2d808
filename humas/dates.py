"""Dates the Indonesian way, in a unit's time zone, and working-day arithmetic.

"Kamis, 26 September 2019 13:48 WITA": day name, day, month name, year, 24-hour time and the zone's
Indonesian abbreviation. Working days skip Saturdays, Sundays, Indonesia's national holidays (from the
`holidays` package) and the collective-leave days (cuti bersama) that an admin enters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone, translation

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

_DAYS = {
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_MONTHS = {
    "id": [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip


def _lang(language: str | None) -> str:
    lang = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in _DAYS else "id"


def zone(tz_name: str | None) -> ZoneInfo:
    return ZoneInfo(tz_name or settings.TIME_ZONE)


def zone_abbreviation(tz_name: str | None, moment: datetime | None = None) -> str:
    name = tz_name or settings.TIME_ZONE
    if name in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[name]
    return (moment or timezone.now()).astimezone(ZoneInfo(name)).tzname() or name


def to_local(value: datetime, tz_name: str | None = None) -> datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(zone(tz_name))


def day_span(start: date, end: date, tz_name: str | None = None) -> tuple[datetime, datetime]:
    """The moments that bound the calendar days `start` to `end` (both included) in a zone: the first day's
    midnight and the midnight after the last day, for `moment >= first and moment < after` filters."""
    tz = zone(tz_name)
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)


def units_by_zone(units) -> dict[str, list[int]]:
    """The units' ids grouped by their time zone, for filters that read each unit in its own calendar."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        grouped[unit.time_zone].append(unit.pk)
    return grouped


def in_local_days(units, start: date, end: date, *, unit_field: str, moment_field: str) -> Q | None:
    """A filter for rows of `units` whose `moment_field` falls on the days `start` to `end` (both included) in
    each unit's own calendar: one condition per time zone, so one query whatever the number of units. None
    when there are no units."""
    grouped = units_by_zone(units)
    if not grouped:
        return None
    wanted = Q(pk__in=[])
    for zone_name, ids in grouped.items():
        first, after = day_span(start, end, zone_name)
        wanted |= Q(**{f"{unit_field}__in": ids, f"{moment_field}__gte": first, f"{moment_field}__lt": after})
    return wanted


def format_date(value: date | datetime, *, language: str | None = None, weekday: bool = True) -> str:
    """'Kamis, 26 September 2019' (or without the day name)."""
    lang = _lang(language)
    d = value.date() if isinstance(value, datetime) else value
    text = f"{d.day} {_MONTHS[lang][d.month - 1]} {d.year}"
    return f"{_DAYS[lang][d.weekday()]}, {text}" if weekday else text


def format_datetime(
    value: datetime, tz_name: str | None = None, *, language: str | None = None, weekday: bool = True
) -> str:
    """'Kamis, 26 September 2019 13:48 WITA' in the given zone (default: the site's)."""
    local = to_local(value, tz_name)
    return f"{format_date(local, language=language, weekday=weekday)} {local:%H:%M} {zone_abbreviation(tz_name, local)}"


# --- working days -------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def holiday_names(start: date, end: date, *, language: str | None = None) -> dict[date, str]:
    """National holidays between start and end inclusive, with their names."""
    lang = "id" if _lang(language) == "id" else "en_US"
    found = holidays.country_holidays("ID", years=range(start.year, end.year + 1), language=lang)
    return {d: name for d, name in sorted(found.items()) if start <= d <= end}


def _load_leave_days() -> frozenset[date]:
    from .models import CollectiveLeaveDay

    return frozenset(CollectiveLeaveDay.objects.values_list("date", flat=True))


# Collective-leave days are a few rows a year and are read on every deadline: each process keeps them for
# a minute in its own memory (the "local" cache); saving or deleting one forgets them at once in that
# process (humas.signals), the others see it within the minute.
LEAVE_DAYS_KEY = "humas:leave-days"


def leave_days() -> frozenset[date]:
    local = caches["local"]
    days = local.get(LEAVE_DAYS_KEY)
    if days is None:
        days = _load_leave_days()
        local.set(LEAVE_DAYS_KEY, days, 60)
    return days


def forget_leave_days() -> None:
    caches["local"].delete(LEAVE_DAYS_KEY)


def closed_days(start: date, end: date) -> set[date]:
    """Every national holiday and collective-leave day from start to end inclusive (weekends apart)."""
    days = {d for year in range(start.year, end.year + 1) for d in national_holidays(year) if start <= d <= end}
    days.update(d for d in leave_days() if start <= d <= end)
    return days


def is_working_day(day: date, closed: set[date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if closed is None:
        closed = closed_days(day, day)
    return day not in closed


def add_working_days(start: date, n: int, closed: set[date] | None = None) -> date:
    """The n-th working day after `start` (start itself not counted); n = 0 gives `start` if it is a
    working day, else the next working day. `closed` may hand in closed_days() already fetched for at
    least n * 2 + 30 days from `start`."""
    if n < 0:
        raise ValueError("n must not be negative")
    horizon = n * 2 + 30
    if closed is None:
        closed = closed_days(start, start + timedelta(days=horizon))
    day, counted = start, 0
    if n == 0:
        while not is_working_day(day, closed):
            day += timedelta(days=1)
        return day
    while counted < n:
        day += timedelta(days=1)
        if day > start + timedelta(days=horizon):
            horizon *= 2
            closed = closed_days(start, start + timedelta(days=horizon))
        if is_working_day(day, closed):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    closed = closed_days(start, end)
    day, count = start, 0
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            count += 1
    return count


def deadline(start: datetime, n: int, tz_name: str | None = None) -> datetime:
    """End (23:59:59) of the n-th working day after `start`'s date in the unit's zone, as an aware
    datetime. The day the clock starts is not counted, as SP4N-LAPOR! counts."""
    return deadlines(start, [n], tz_name)[0]


def deadlines(start: datetime, ns: list[int], tz_name: str | None = None) -> list[datetime]:
    """Several deadlines from one start, with one look-up of the closed days."""
    local = to_local(start, tz_name).date()
    closed = closed_days(local, local + timedelta(days=max(ns) * 2 + 30))
    return [datetime.combine(add_working_days(local, n, closed), time(23, 59, 59), tzinfo=zone(tz_name)) for n in ns]
