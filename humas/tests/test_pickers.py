"""Pickers that name months in the page's language (Januari … Desember), where the browser's own date, month
and date-time inputs name them in the browser's: the widgets, and that no page offers a browser-native one."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from humas.forms import DayPicker, MomentPicker, MonthPicker, YearsAround

ROOT = Path(__file__).resolve().parents[2]
APPS = ("humas", "complaints", "releases", "mailing", "channels_social", "information", "monitoring", "open311",
        "oversight", "templates")  # fmt: skip


class MomentForm(forms.Form):
    at = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], widget=MomentPicker(years=YearsAround(back=1, ahead=2))
    )


class DayForm(forms.Form):
    on = forms.DateField(widget=DayPicker(years=YearsAround(back=2, ahead=0)))


def test_no_page_offers_a_browser_native_date_month_or_date_time_input():
    kinds = "(date|month|datetime-local|week)"
    native = {
        ".html": re.compile(rf"""type=["']{kinds}["']"""),
        ".py": re.compile(rf"""["']type["']:\s*["']{kinds}["']"""),
    }
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in APPS
        for path in (ROOT / app).rglob("*")
        if path.suffix in native and "tests" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if native[path.suffix].search(line)
    ]
    assert found == []


def test_the_moment_picker_names_months_in_the_page_language_and_offers_the_years_around_this_one():
    with translation.override("id"):
        html = MomentForm().as_p()
    this_year = datetime.date.today().year
    assert ">Januari</option>" in html and ">Desember</option>" in html and ">December<" not in html
    years = re.findall(r'<option value="(\d{4})"', html)
    assert years == [str(y) for y in range(this_year - 1, this_year + 3)]
    assert 'name="at_time"' in html and 'aria-label="Jam"' in html and 'placeholder="09.00"' in html
    assert 'type="time"' not in html  # it would read 09:00 AM in an English-language browser
    # even a required field starts empty: nothing is preselected for a hurried officer to store
    assert not re.search(r'<option value="[^"]+" selected', html) and html.count('<option value="" selected>') == 3


def test_the_parts_give_one_value_and_a_plain_value_still_works():
    picked = MomentForm({"at_day": "8", "at_month": "12", "at_year": "2026", "at_time": "09.30"})
    assert picked.is_valid(), picked.errors
    assert picked.cleaned_data["at"].replace(tzinfo=None) == datetime.datetime(2026, 12, 8, 9, 30)
    plain = MomentForm({"at": "2026-12-08T09:30"})
    assert plain.is_valid() and plain.cleaned_data["at"] == picked.cleaned_data["at"]
    day = DayForm({"on_day": "5", "on_month": "11", "on_year": "2026"})
    assert day.is_valid() and day.cleaned_data["on"] == datetime.date(2026, 11, 5)
    assert DayForm({"on": "2026-11-05"}).is_valid()


@pytest.mark.parametrize(
    "data",
    [
        {"at_day": "8", "at_month": "12", "at_year": "2026", "at_time": ""},  # no time: never midnight
        {"at_day": "", "at_month": "", "at_year": "", "at_time": "09:30"},  # no day
        {"at_day": "31", "at_month": "2", "at_year": "2026", "at_time": "09:30"},  # no such day
        {"at_day": "8", "at_month": "12", "at_year": "2026", "at_time": "25:00"},
    ],
)
def test_a_missing_or_impossible_part_is_refused_and_what_was_picked_stays(data):
    with translation.override("id"):
        form = MomentForm(data)
        assert not form.is_valid() and "at" in form.errors
        html = form.as_p()
    for key in ("at_day", "at_month", "at_year"):
        if data[key]:
            assert re.search(rf'name="{key}".*?<option value="{data[key]}" selected>', html, re.S)
    if data["at_time"]:
        assert f'value="{data["at_time"].replace(":", ".")}"' in html


def test_a_stored_value_outside_the_offered_years_is_shown_not_dropped():
    old = datetime.datetime(2019, 3, 4, 7, 5)
    with translation.override("id"):
        html = MomentForm(initial={"at": old}).as_p()
    assert '<option value="2019" selected>2019</option>' in html
    assert '<option value="3" selected>Maret</option>' in html and 'value="07.05"' in html


def test_the_month_picker_reads_its_parts_and_a_plain_month():
    picker = MonthPicker()
    assert picker.value_from_datadict({"bulan_0": "11", "bulan_1": "2026"}, {}, "bulan") == "2026-11"
    assert picker.value_from_datadict({"bulan": "2026-11"}, {}, "bulan") == "2026-11"
    with translation.override("id"):
        html = picker.render("bulan", "2026-11")
    assert '<option value="11" selected>November</option>' in html and 'type="month"' not in html
