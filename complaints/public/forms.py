"""Validation of a citizen's report. The web form and the API both use ComplaintForm, so the rules and the
messages are the same everywhere; the web form adds its anti-abuse fields."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, IdentityMode, Kind, Visibility
from complaints.public.intake import ComplaintInput
from humas import geo
from humas.forms import DayPicker, FixedChoiceField, HumanCheckMixin, YearsAround, new_stamp, validating_only  # noqa: F401 (new_stamp: tests)
from humas.models import Unit
from humas.units import active_unit

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class UnitField(forms.ModelChoiceField):
    """The unit, by slug, from the per-process table of active units (humas.units.active_unit); a slug not
    in it is looked up in the database as usual."""

    def to_python(self, value):
        if value not in self.empty_values:
            unit = active_unit(str(value))
            if unit is not None:
                return unit
        return super().to_python(value)


class CategorySelect(forms.Select):
    """Options carry data-unit so that a small script can show only the chosen unit's categories."""

    def __init__(self, *args, unit_of: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_of = unit_of or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        if key in self.unit_of:
            option["attrs"]["data-unit"] = str(self.unit_of[key])
        return option


def normalise_phone(raw: str) -> str:
    """Indonesian numbers in any usual writing ('0812-3456-7890', '62812…', '+62 812 …') → '+628123456789'."""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(
            _("Enter a phone number we can call, e.g. 0812-3456-7890 or +62 370 123456."), code="bad_phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("This phone number does not exist. Check the digits, e.g. 0812-3456-7890."), code="bad_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ComplaintForm(forms.Form):
    # information requests have their own form and legal clock (the information app, /informasi/permohonan/)
    kind = FixedChoiceField(
        label=_("What do you want to send?"),
        choices=[(k.value, k.label) for k in Kind if k != Kind.INFORMATION_REQUEST],
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    unit = UnitField(
        label=_("Which unit is it about?"),
        queryset=Unit.objects.active().order_by("name"),
        required=False,
        empty_label=_("I don't know — the humas office will pass it on"),
        to_field_name="slug",
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True, unit__is_active=True),
        required=False,
        empty_label=_("— choose if one fits —"),
    )
    title = forms.CharField(
        label=_("Title"),
        min_length=10,
        max_length=150,
        help_text=_("One line that says what happened, e.g. 'Streetlight on Jl. Pejanggik broken for two weeks'."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        min_length=30,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What, where, when and who was involved. At least 30 characters, at most 5,000."),
    )
    incident_date = forms.DateField(
        label=_("Date of the incident"), required=False, widget=DayPicker(years=YearsAround(back=5, ahead=0))
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. -8.583333 (south is negative). Leave empty if you do not know it."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. 116.116667."),
    )
    identity_mode = FixedChoiceField(
        label=_("Your identity"),
        choices=[
            (
                IdentityMode.NAMED,
                _("Named — the handling unit sees your name and contact so it can reach you."),
            ),
            (
                IdentityMode.ANONIM,
                _("Confidential (anonim) — only the humas office sees who you are; the handling unit never does."),
            ),
            (
                IdentityMode.ANONYMOUS,
                _("Fully anonymous — we collect no name or contact. Keep your tracking code: it is your only link."),
            ),
        ],
        initial=IdentityMode.NAMED,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    reporter_email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("We send the receipt and every answer here.")
    )
    reporter_phone = forms.CharField(
        label=_("Mobile / WhatsApp number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    visibility = FixedChoiceField(
        label=_("Who may read the report?"),
        choices=[
            (
                Visibility.PUBLIC,
                _("Public — the report (without your name) and the answers may appear on the public board."),
            ),
            (Visibility.RAHASIA, _("Confidential (rahasia) — never shown publicly.")),
        ],
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office processes the data in this report only to handle it, as Law 27/2022 on "
            "personal data protection requires, and keeps it no longer than needed."
        ),
        error_messages={"required": _("We can only take the report with your consent to process its data.")},
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 5 files: photos (JPEG, PNG, WebP) or PDF, at most 10 MB each. Location data is removed."),
    )

    def prepare_display(self) -> None:
        """For the web page only: categories grouped by unit, each option tagged with its unit for the script.
        (The API validates with the same form and skips this work.)"""
        categories = list(
            self.fields["category"].queryset.select_related("unit").order_by("unit__name", "order", "name")
        )
        grouped: dict[str, list] = {}
        unit_of: dict[int, str] = {}
        for category in categories:
            grouped.setdefault(category.unit.name, []).append((category.pk, category.name))
            unit_of[category.pk] = category.unit.slug
        self.fields["category"].widget = CategorySelect(unit_of=unit_of)
        self.fields["category"].widget.choices = [("", self.fields["category"].empty_label), *grouped.items()]
        self.category_descriptions = [c for c in categories if c.description]

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_reporter_name(self):
        return " ".join(self.cleaned_data["reporter_name"].split())

    def clean_reporter_phone(self):
        raw = self.cleaned_data["reporter_phone"].strip()
        return normalise_phone(raw) if raw else ""

    def clean_incident_date(self):
        day = self.cleaned_data["incident_date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date of the incident cannot be in the future."), code="future")
        return day

    def _clean_point(self, data: dict) -> None:
        if {"latitude", "longitude"} & set(self.errors):
            return
        try:
            geo.check_point(data.get("latitude"), data.get("longitude"))
        except forms.ValidationError as exc:
            field = "longitude" if exc.code == "half_point" and data.get("longitude") is None else "latitude"
            self.add_error(field, exc)

    def clean(self):
        data = super().clean()
        if self.data.get("kind") == Kind.INFORMATION_REQUEST:
            self.errors.pop("kind", None)
            self.add_error(
                "kind",
                _(
                    "Requests for public information are filed at /informasi/permohonan/ (answered by the PPID "
                    "within 10 working days)."
                ),
            )
        self._clean_point(data)
        unit, category = data.get("unit"), data.get("category")
        if unit and category and category.unit_id != unit.pk:
            self.add_error(
                "category", _("This category belongs to another unit. Choose one of %(unit)s's.") % {"unit": unit}
            )
        mode = data.get("identity_mode")
        if mode == IdentityMode.ANONYMOUS:
            # no contact data is kept for an anonymous report, even if some was sent
            for field in ("reporter_name", "reporter_email", "reporter_phone"):
                data[field] = ""
                self.errors.pop(field, None)
        elif mode:
            if not data.get("reporter_name") and "reporter_name" not in self.errors:
                self.add_error("reporter_name", _("Write your name, or choose 'Fully anonymous'."))
            if not (data.get("reporter_email") or data.get("reporter_phone")) and not (
                {"reporter_email", "reporter_phone"} & set(self.errors)
            ):
                self.add_error(
                    "reporter_email",
                    _("Give an e-mail or a phone number so that the unit can reach you, or choose 'Fully anonymous'."),
                )
        return data

    def to_input(self) -> ComplaintInput:
        d = self.cleaned_data
        return ComplaintInput(
            kind=d["kind"],
            title=d["title"],
            description=d["description"],
            unit=d.get("unit"),
            category=d.get("category"),
            incident_date=d.get("incident_date"),
            location=d.get("location", ""),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            identity_mode=d["identity_mode"],
            reporter_name=d.get("reporter_name", ""),
            reporter_email=d.get("reporter_email", ""),
            reporter_phone=d.get("reporter_phone", ""),
            visibility=d["visibility"],
            consent=d["consent"],
        )


ApiComplaintForm = validating_only(ComplaintForm)  # the API's: validates only, never rendered


class WebComplaintForm(HumanCheckMixin, ComplaintForm):
    """The public form adds the anti-abuse fields shared with the other public forms (humas.forms)."""

    min_seconds_setting = "COMPLAINT_FORM_MIN_SECONDS"
