"""Validation of a request for public information. The web form and the API both use RequestForm, so the
rules and the messages are the same everywhere; the web form adds the anti-abuse fields."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.public.forms import normalise_phone
from humas.forms import FixedChoiceField, HumanCheckMixin, validating_only
from humas.models import Unit
from information.models import DeliveryMethod, ListItem, ObjectionGround, ObtainMethod, RequesterKind
from information.public.intake import RequestInput

# the first two digits of a NIK: the province codes of Indonesia (Kemendagri)
PROVINCES = {
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73,
    74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
}  # fmt: skip


def birth_date(nik: str) -> date | None:
    """The birth date coded in digits 7–12 (DDMMYY; women add 40 to the day), or None when impossible."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    today = timezone.localdate()
    for century in (2000, 1900):
        try:
            born = date(century + year, month, day)
        except ValueError:
            return None
        if born <= today:
            return born
    return None


def clean_nik(raw: str) -> str:
    nik = "".join(raw.split()).replace(".", "").replace("-", "")
    if len(nik) != 16 or not nik.isdigit():
        raise forms.ValidationError(
            _("A NIK has exactly 16 digits, as on the KTP; you typed %(n)d characters.") % {"n": len(nik)}, code="nik"
        )
    if int(nik[:2]) not in PROVINCES:
        raise forms.ValidationError(_("The first two digits of a NIK are a province code; check them."), code="nik")
    if birth_date(nik) is None:
        raise forms.ValidationError(
            _(
                "Digits 7 to 12 of a NIK are the birth date (DDMMYY, women add 40 to the day); these are not a "
                "possible date."
            ),
            code="nik",
        )  # fmt: skip
    return nik


class RequestForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Which public body (unit) holds the information?"),
        queryset=Unit.objects.active().order_by("name"),
        to_field_name="slug",
        empty_label=_("— choose the unit —"),
        error_messages={"required": _("Choose the unit you ask.")},
    )
    requester_kind = FixedChoiceField(
        label=_("You ask as"), choices=RequesterKind.choices, initial=RequesterKind.PERSON, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Full name"), max_length=120, help_text=_("As on your identity card."))
    nik = forms.CharField(
        label=_("Identity number (NIK)"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("The 16 digits on your KTP. Only the PPID sees it; it is never shown publicly."),
    )
    organisation = forms.CharField(label=_("Name of the organisation"), max_length=200, required=False)
    legal_document = forms.FileField(
        label=_("Legal-entity document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
        help_text=_("The deed or decree that makes the organisation a legal entity: PDF or photo, at most 10 MB."),
    )
    address = forms.CharField(label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(
        label=_("Mobile / WhatsApp number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("We send the receipt and the decision here.")
    )
    information = forms.CharField(
        label=_("What information do you request?"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Name the document or data as precisely as you can: title, period, place."),
    )
    purpose = forms.CharField(
        label=_("What will you use it for?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("The law asks for the purpose of use (Pasal 22 UU 14/2008). Write it in a sentence.")
        },
    )  # fmt: skip
    obtain_method = FixedChoiceField(
        label=_("How do you want to obtain it?"), choices=ObtainMethod.choices, widget=forms.RadioSelect
    )
    delivery_method = FixedChoiceField(
        label=_("How do you want to receive it?"), choices=DeliveryMethod.choices, widget=forms.RadioSelect
    )
    list_item = forms.ModelChoiceField(
        queryset=ListItem.objects.filter(is_active=True), required=False, widget=forms.HiddenInput
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office processes my data only to answer this request, as Law 27/2022 on personal "
            "data protection requires, and keeps it no longer than needed."
        ),
        error_messages={"required": _("We can only take the request with your consent to process its data.")},
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if len(purpose) < 5:
            raise forms.ValidationError(_("Write the purpose of use in a sentence."), code="purpose")
        return purpose

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        return normalise_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        kind = data.get("requester_kind")
        if kind == RequesterKind.PERSON:
            raw = (data.get("nik") or "").strip()
            if not raw:
                self.add_error("nik", _("Give your 16-digit NIK: the law asks a requester to identify themselves."))
            else:
                try:
                    data["nik"] = clean_nik(raw)
                except forms.ValidationError as exc:
                    self.add_error("nik", exc)
            data["organisation"], data["legal_document"] = "", None
        elif kind == RequesterKind.ORGANISATION:
            data["nik"] = ""
            if not data.get("organisation"):
                self.add_error("organisation", _("Give the name of the organisation."))
            if not data.get("legal_document") and "legal_document" not in self.errors:
                self.add_error("legal_document", _("An organisation attaches its legal-entity document."))
        if not (data.get("email") or data.get("phone")) and not ({"email", "phone"} & set(self.errors)):
            self.add_error("email", _("Give an e-mail or a phone number so that the PPID can reach you."))
        if data.get("delivery_method") == DeliveryMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("You chose to receive it by e-mail: give your e-mail address."))
        item, unit = data.get("list_item"), data.get("unit")
        if item and unit and item.unit_id != unit.pk:
            data["list_item"] = None
        return data

    def to_input(self) -> RequestInput:
        d = self.cleaned_data
        return RequestInput(
            unit=d["unit"], requester_kind=d["requester_kind"], name=d["name"], nik=d.get("nik", ""),
            organisation=d.get("organisation", ""), address=d["address"].strip(), phone=d.get("phone", ""),
            email=d.get("email", ""), information=d["information"].strip(), purpose=d["purpose"],
            obtain_method=d["obtain_method"], delivery_method=d["delivery_method"], consent=d["consent"],
            list_item=d.get("list_item"),
        )  # fmt: skip


ApiRequestForm = validating_only(RequestForm)


class WebRequestForm(HumanCheckMixin, RequestForm):
    min_seconds_setting = "COMPLAINT_FORM_MIN_SECONDS"


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("As on your receipt, e.g. INF-7KQ2-M9XD-4TNP. Capitals and dashes do not matter."),
    )


class ObjectionForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label=_("Grounds of the objection"),
        choices=ObjectionGround.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one ground of the objection.")},
    )
    reason = forms.CharField(
        label=_("Explain the objection"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
