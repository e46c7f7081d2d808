"""The legal clock in working days of the unit: holidays, cuti bersama and the three time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from humas.models import CollectiveLeaveDay
from information import clock

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


def local_end(day: str, tz: str) -> datetime:
    y, m, d = (int(p) for p in day.split("-"))
    return datetime(y, m, d, 23, 59, 59, tzinfo=ZoneInfo(tz))


@pytest.mark.django_db
def test_ten_working_days_skip_christmas_new_year_and_the_cuti_bersama_an_admin_entered():
    registered = datetime(2026, 12, 17, 2, 0, tzinfo=UTC)  # Thursday 10:00 WITA
    # 18, 21, 22, 23, 24, 28, 29, 30, 31 December and 4 January (25 Dec and 1 Jan are national holidays)
    assert clock.answer_due(registered, WITA) == local_end("2027-01-04", WITA)
    CollectiveLeaveDay.objects.create(date=datetime(2026, 12, 24).date(), description="Cuti bersama Natal")
    # one day later again: 5 January 2027 is Isra' Mi'raj
    assert clock.answer_due(registered, WITA) == local_end("2027-01-06", WITA)


@pytest.mark.django_db
def test_the_extension_adds_seven_working_days_after_the_original_due_day():
    due = local_end("2027-01-06", WITA)
    assert clock.extended_due(due, WITA) == local_end("2027-01-15", WITA)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tz", "due"),
    [
        # Thursday 23:30 WIB: the clock starts on Thursday 13 August; 17 and 25 August are holidays
        (WIB, "2026-08-31"),
        # the same moment is already Friday 00:30 WITA and 01:30 WIT: one working day later
        (WITA, "2026-09-01"),
        (WIT, "2026-09-01"),
    ],
)
def test_the_day_the_clock_starts_is_the_units_own_across_the_three_zones(tz, due):
    moment = datetime(2026, 8, 13, 16, 30, tzinfo=UTC)
    assert clock.answer_due(moment, tz) == local_end(due, tz)


@pytest.mark.django_db
def test_objection_and_commission_periods_count_thirty_and_fourteen_working_days():
    decided = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
    # 30 working days skip 14 May (Ascension), 27 May (Eid al-Adha), 1 June (Pancasila), 16 June (Islamic New
    # Year) and weekends
    assert clock.objection_due(decided, WIB) == local_end("2026-06-19", WIB)
    # 14 working days: 5–8, 11–13, 15, 18–22 and 25 May (14 May is a holiday)
    assert clock.commission_deadline(decided, WIB) == local_end("2026-05-25", WIB)


@pytest.mark.django_db
def test_working_days_taken_count_in_the_units_calendar():
    start = datetime(2026, 12, 23, 1, 0, tzinfo=UTC)
    end = datetime(2026, 12, 29, 1, 0, tzinfo=UTC)
    # 24, 28, 29 December (25 is Christmas, 26–27 a weekend)
    assert clock.working_days_taken(start, end, WIB) == 3
    assert clock.working_days_taken(start, start, WIB) == 0


@pytest.mark.slow
@pytest.mark.django_db
def test_every_due_date_is_the_tenth_working_day_of_the_units_calendar():
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from humas import dates

    CollectiveLeaveDay.objects.create(date=datetime(2026, 12, 24).date(), description="Cuti bersama Natal")

    @settings(max_examples=200, deadline=None)
    @given(
        moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1)),
        tz=st.sampled_from([WIB, WITA, WIT]),
    )
    def check(moment, tz):
        start = moment.replace(tzinfo=UTC)
        due = clock.answer_due(start, tz)
        local_start, local_due = dates.to_local(start, tz).date(), due.date()
        assert due.tzinfo.key == tz and (due.hour, due.minute) == (23, 59)
        assert dates.is_working_day(local_due)
        assert dates.working_days_between(local_start, local_due) == clock.ANSWER_DAYS
        extended = clock.extended_due(due, tz)
        assert dates.working_days_between(local_due, extended.date()) == clock.EXTENSION_DAYS
        assert local_due - local_start < timedelta(days=40)

    check()
