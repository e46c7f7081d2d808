from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from humas import dates
from humas.models import CollectiveLeaveDay

MOMENT = datetime(2019, 9, 26, 5, 48, tzinfo=UTC)  # 12:48 WIB, 13:48 WITA, 14:48 WIT


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "Kamis, 26 September 2019 12:48 WIB"),
        ("Asia/Makassar", "Kamis, 26 September 2019 13:48 WITA"),
        ("Asia/Jayapura", "Kamis, 26 September 2019 14:48 WIT"),
    ],
)
def test_datetimes_read_the_indonesian_way_in_each_zone(zone, expected):
    with translation.override("id"):
        assert dates.format_datetime(MOMENT, zone) == expected


def test_the_date_follows_the_zone_across_midnight():
    late = datetime(2019, 9, 26, 16, 30, tzinfo=UTC)
    with translation.override("id"):
        assert dates.format_datetime(late, "Asia/Jakarta") == "Kamis, 26 September 2019 23:30 WIB"
        assert dates.format_datetime(late, "Asia/Makassar") == "Jumat, 27 September 2019 00:30 WITA"


def test_english_pages_get_english_names_and_the_same_zone_abbreviation():
    with translation.override("en"):
        assert dates.format_datetime(MOMENT, "Asia/Makassar") == "Thursday, 26 September 2019 13:48 WITA"


def test_template_filters_format_in_the_given_zone():
    template = Template("{% load humas %}{{ moment|local_datetime:zone }} / {{ moment|local_date:zone }}")
    with translation.override("id"):
        text = template.render(Context({"moment": MOMENT, "zone": "Asia/Jayapura"}))
    assert text == "Kamis, 26 September 2019 14:48 WIT / Kamis, 26 September 2019"


def test_months_are_indonesian():
    with translation.override("id"):
        assert dates.format_date(date(2026, 8, 17), weekday=False) == "17 Agustus 2026"
        assert dates.format_date(date(2026, 5, 1)) == "Jumat, 1 Mei 2026"


@pytest.mark.django_db
def test_working_days_skip_the_weekend_and_a_national_holiday():
    friday = date(2026, 8, 14)  # Monday 17 August is Independence Day
    assert dates.add_working_days(friday, 1) == date(2026, 8, 18)
    assert dates.add_working_days(friday, 3) == date(2026, 8, 20)
    assert not dates.is_working_day(date(2026, 8, 17))
    assert not dates.is_working_day(date(2026, 8, 15))


@pytest.mark.django_db
def test_working_days_skip_an_entered_collective_leave_day():
    CollectiveLeaveDay.objects.create(date=date(2026, 8, 18), description="Cuti bersama (uji)")
    friday = date(2026, 8, 14)
    assert dates.add_working_days(friday, 1) == date(2026, 8, 19)
    assert dates.working_days_between(friday, date(2026, 8, 21)) == 3  # Wed, Thu, Fri


@pytest.mark.django_db
def test_counting_is_the_inverse_of_adding():
    CollectiveLeaveDay.objects.create(date=date(2026, 12, 24), description="Cuti bersama Natal")
    start = date(2026, 12, 21)
    for n in range(0, 25):
        due = dates.add_working_days(start, n)
        assert dates.working_days_between(start, due) == n or (n == 0 and due == start)
    # Christmas Eve (leave), Christmas (holiday), the weekend: Wed 23 Dec + 1 working day = Mon 28 Dec
    assert dates.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert dates.working_days_between(date(2026, 12, 28), date(2026, 12, 23)) == -1


@pytest.mark.django_db
def test_zero_days_from_a_holiday_is_the_next_working_day():
    assert dates.add_working_days(date(2026, 8, 15), 0) == date(2026, 8, 18)


@pytest.mark.django_db
def test_deadline_is_the_end_of_the_nth_working_day_in_the_units_zone():
    # 14:30 UTC on Friday 14 August 2026 is 23:30 WIT, still Friday in Jayapura
    filed = datetime(2026, 8, 14, 14, 30, tzinfo=UTC)
    due = dates.deadline(filed, 3, "Asia/Jayapura")
    assert due.date() == date(2026, 8, 20)
    assert (due.hour, due.minute) == (23, 59)
    assert due.utcoffset().total_seconds() == 9 * 3600
    # 16:00 UTC on Thursday 20 August is 23:00 Thursday in WIB but 00:00 Friday in WITA
    late = datetime(2026, 8, 20, 16, 0, tzinfo=UTC)
    assert dates.deadline(late, 1, "Asia/Jakarta").date() == date(2026, 8, 21)
    assert dates.deadline(late, 1, "Asia/Makassar").date() == date(2026, 8, 24)


def test_holiday_names_come_in_the_page_language():
    names = dates.holiday_names(date(2026, 8, 1), date(2026, 8, 20), language="id")
    assert names == {date(2026, 8, 17): "Hari Kemerdekaan Republik Indonesia"}
    english = dates.holiday_names(date(2026, 8, 1), date(2026, 8, 20), language="en")
    assert english == {date(2026, 8, 17): "Independence Day"}
