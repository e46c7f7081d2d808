from __future__ import annotations

import datetime
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import geo
from .models import Unit
from .uploads import IMAGE_FORMATS

STAMP_SALT = "complaints.form-started"  # the name it had when only the complaint form used it
STAMP_MAX_AGE = 60 * 60 * 24  # a form may stay open for a day


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are fixed in code. Django deep-copies every field's choices for each form
    it builds, lazy labels and all, which costs more than validating the rest of a complaint; these choices
    are never changed per form, so the copies share them (widget, validators and messages are still copied)."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


PICKER_YEARS = range(2000, 2101)


class PickerRow:
    """A picker's controls kept together on one row (wrapping on a narrow phone) wherever it is drawn."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<span class="picker">{}</span>', super().render(name, value, attrs, renderer))


class MonthPicker(PickerRow, forms.MultiWidget):
    """A month as two controls whose month names are the page's language (Januari … Desember), where the
    browser's own `<input type="month">` names them in the browser's language. Reads `name_0` (month) and
    `name_1` (year) and gives the field "YYYY-MM"; a plain `name=YYYY-MM` (links, bookmarks) still works."""

    def __init__(self, attrs=None):
        months = [("", _("Month")), *((str(number), name) for number, name in MONTHS.items())]
        widgets = (
            forms.Select(choices=months, attrs={"aria-label": _("Month")}),
            forms.NumberInput(attrs={"min": 2000, "max": 2100, "aria-label": _("Year"), "class": "year-input"}),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value and isinstance(value, str) and "-" in value:
            year, _sep, month = value.partition("-")
            return [month.lstrip("0"), year]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        month, year = super().value_from_datadict(data, files, name)
        if not month and not year:
            return None
        return f"{year or ''}-{month or ''}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class YearsAround:
    """The years a picker offers, counted from this year when the page is drawn (not when the form class was
    made, which may be last year in a long-running process): `back` years before it and `ahead` after."""

    def __init__(self, back: int, ahead: int):
        self.back, self.ahead = back, ahead

    def __iter__(self):
        this_year = timezone.localdate().year
        return iter(range(this_year - self.back, this_year + self.ahead + 1))


class DayPicker(PickerRow, forms.SelectDateWidget):
    """A day as three selects with the month named in the page's language (the browser's own
    `<input type="date">` names them in the browser's language); a plain `name=YYYY-MM-DD` still works
    (Django's SelectDateWidget falls back to it). `years`: what the year select offers (every year from 2000
    to 2100 unless said); a value's own year is always among them, so nothing picked or stored is lost."""

    def __init__(self, attrs=None, years=PICKER_YEARS):
        super().__init__(attrs=attrs, years=years, empty_label=(_("Year"), _("Month"), _("Day")))

    def day_from_datadict(self, data, name) -> str | None:
        """The picked day as YYYY-MM-DD whatever the language's date format (Django's own widget writes the
        locale's), so one input format reads it; an impossible day comes back as typed, for the field to refuse."""
        parts = [data.get(pattern % name) for pattern in (self.year_field, self.month_field, self.day_field)]
        if not any(parts):
            return None
        year, month, day = (part or "" for part in parts)
        try:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return f"{year}-{month}-{day}"

    def parts_in(self, data, name) -> bool:
        patterns = (self.year_field, self.month_field, self.day_field)
        return any(data.get(pattern % name) is not None for pattern in patterns)

    def value_from_datadict(self, data, files, name):
        if not self.parts_in(data, name):
            return data.get(name)
        return self.day_from_datadict(data, name)

    def get_context(self, name, value, attrs):
        # every select starts empty, also for a required field (Django would preselect 1 January of the first
        # year, which a hurried officer then stores); the browser's `required` asks for each part instead
        offered, required = self.years, self.is_required
        shown = self.format_value(value).get("year")
        years = list(offered)
        if isinstance(shown, int) and shown and shown not in years:
            years = sorted([*years, shown])
        self.years, self.is_required = years, False
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.years, self.is_required = offered, required
        names = {"year": _("Year"), "month": _("Month"), "day": _("Day")}
        for subwidget in context["widget"]["subwidgets"]:
            part = subwidget["name"].rsplit("_", 1)[-1]
            subwidget["attrs"] = {**subwidget["attrs"], "aria-label": names.get(part, "")}
        return context


PICK_A_MOMENT = _("Pick the day and type the time, e.g. 09.30.")  # a MomentPicker field's "invalid" message


class MomentPicker(DayPicker):
    """A date and time: the day as DayPicker's three selects (months named in the page's language, where
    `<input type="datetime-local">` names them in the browser's) and the time typed as 09.00 or 09:00 (a
    browser's time input would show 09:00 AM to an English-language browser). Gives
    the field "YYYY-MM-DD HH:MM"; a plain `name=YYYY-MM-DDTHH:MM` (the API, links) still works. A day without
    a time, or a time without a day, comes back unreadable for the field to refuse rather than as midnight."""

    time_field = "%s_time"
    supports_microseconds = False  # shown to the minute, like Django's own date-time inputs

    def parts_in(self, data, name) -> bool:
        return super().parts_in(data, name) or data.get(self.time_field % name) is not None

    def value_from_datadict(self, data, files, name):
        if not self.parts_in(data, name):
            return data.get(name)
        day = self.day_from_datadict(data, name)
        clock = (data.get(self.time_field % name) or "").strip().replace(".", ":")
        if not day and not clock:
            return None
        return f"{day or '?'} {clock or '?'}"

    @staticmethod
    def split(value) -> tuple[object, str]:
        """(the day part for DayPicker, "HH:MM") of a datetime or of the text the field got back."""
        if isinstance(value, datetime.datetime):
            return value.date(), f"{value:%H:%M}"
        if isinstance(value, str):
            day, _sep, clock = value.replace("T", " ", 1).partition(" ")
            return day, clock[:5].strip("?")
        return value, ""

    def format_value(self, value):
        return super().format_value(self.split(value)[0])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        time_name = self.time_field % name
        time_attrs = {
            **context["widget"]["attrs"], "id": f"id_{time_name}", "aria-label": _("Time"), "class": "time-input",
            "inputmode": "decimal", "size": 5, "maxlength": 5, "placeholder": "09.00", "autocomplete": "off",
            "pattern": r"([01]?[0-9]|2[0-3])[.:][0-5][0-9]", "title": _("Hours and minutes, e.g. 09.00"),
        }  # fmt: skip
        shown = self.split(value)[1].replace(":", ".")
        clock = forms.TextInput(attrs=time_attrs).get_context(time_name, shown, None)
        context["widget"]["subwidgets"].append(clock["widget"])
        return context


class _SharedFields(dict):
    """A form class's fields that its instances share: the copy Django makes for each form is shallow."""

    def __deepcopy__(self, memo):
        return dict(self)


def validating_only(form_class: type[forms.Form]) -> type[forms.Form]:
    """A subclass of `form_class` for validating input that is never shown as a form (an API). Django deep-copies
    every field for each form it builds, so that one form's changes to its fields stay its own; validating
    changes no field, so these forms share the class's fields and skip that copy. Use the ordinary class to
    render a form or to change its fields."""
    shared = type(f"{form_class.__name__}ForValidation", (form_class,), {"__module__": form_class.__module__})
    shared.base_fields = _SharedFields(shared.base_fields)
    return shared


def new_stamp() -> str:
    return signing.TimestampSigner(salt=STAMP_SALT).sign(str(int(time.time())))


class HumanCheckMixin(forms.Form):
    """Anti-abuse of the public forms without outside services: a honeypot field and a signed timestamp —
    bots fill every field and post at once. `min_seconds_setting` names the setting holding the minimum."""

    min_seconds_setting = "COMPLAINT_FORM_MIN_SECONDS"

    website = forms.CharField(
        label=_("Website (leave this empty)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = new_stamp()

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _(
                    "The form was refused because the hidden 'website' field was filled in, as robots do. "
                    "If you are a person, empty that field and send again."
                ),
                code="honeypot",
            )
        try:
            started = int(
                signing.TimestampSigner(salt=STAMP_SALT).unsign(data.get("started") or "", max_age=STAMP_MAX_AGE)
            )
        except (signing.BadSignature, ValueError):
            self._renew_stamp()
            raise forms.ValidationError(
                _("The form was open too long or was not sent from this page. Check it and send it again."),
                code="stale",
            ) from None
        if time.time() - started < getattr(settings, self.min_seconds_setting):
            raise forms.ValidationError(
                _("The form was sent faster than a person can fill it. Check it and send it again."),
                code="too_fast",
            )
        return data

    def _renew_stamp(self):
        self.data = self.data.copy()
        self.data["started"] = new_stamp()


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Both are case-sensitive. After several failed tries "
            "the login is paused for a while."
        ),
        "inactive": _("The username or password is not right."),
    }


class UnitContactForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("New logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB. It is re-encoded and shown at most 1024 px wide."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f"image/{f.lower()}" for f in IMAGE_FORMATS)}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Unit
        fields = ["address", "email", "phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class UnitAreaForm(forms.Form):
    """A unit's area as a GeoJSON file (checked by humas.geo.parse_area in clean), or its removal."""

    area_file = forms.FileField(
        label=_("Area (GeoJSON file)"),
        required=False,
        help_text=_(
            "One Polygon or MultiPolygon in longitude/latitude (WGS 84), at most 5 MB, e.g. exported from "
            "QGIS or geojson.io. Reports with a point inside it and no chosen unit come to this unit."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
    )
    remove = forms.BooleanField(label=_("Remove the current area"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("area_file")
        if upload is not None:
            if upload.size > geo.MAX_AREA_BYTES:
                self.add_error(
                    "area_file",
                    _("The file is too large (at most %(max)d MB).") % {"max": geo.MAX_AREA_BYTES // (1024 * 1024)},
                )
                return data
            try:
                data["area"] = geo.parse_area(upload.read())
            except forms.ValidationError as exc:
                self.add_error("area_file", exc)
        elif not data.get("remove"):
            self.add_error("area_file", _("Choose a GeoJSON file, or tick the box to remove the area."))
        return data
