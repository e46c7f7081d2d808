from __future__ import annotations

import datetime
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.utils.dates import MONTHS
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


class MonthPicker(forms.MultiWidget):
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


class DayPicker(forms.SelectDateWidget):
    """A day as three selects with the month named in the page's language; a plain `name=YYYY-MM-DD` still
    works (Django's SelectDateWidget falls back to it)."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, years=PICKER_YEARS, empty_label=(_("Year"), _("Month"), _("Day")))

    def value_from_datadict(self, data, files, name):
        """The picked day as YYYY-MM-DD whatever the language's date format (Django's own widget writes the
        locale's), so one input format reads it; an impossible day comes back as typed, for the field to refuse."""
        parts = [data.get(pattern % name) for pattern in (self.year_field, self.month_field, self.day_field)]
        if all(part is None for part in parts):
            return data.get(name)
        if not any(parts):
            return None
        year, month, day = (part or "" for part in parts)
        try:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return f"{year}-{month}-{day}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        names = {"year": _("Year"), "month": _("Month"), "day": _("Day")}
        for subwidget in context["widget"]["subwidgets"]:
            part = subwidget["name"].rsplit("_", 1)[-1]
            subwidget["attrs"] = {**subwidget["attrs"], "aria-label": names.get(part, "")}
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
