"""Forms of the media-partner mailing list: the public ones (/mitra-media/) validate and hand a Preferences
to the services in mailing.subscriptions; the staff's import form takes a contacts file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from humas.forms import HumanCheckMixin
from humas.models import Unit
from releases.models import Category, Tag

from .subscriptions import Preferences, is_disposable

LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]


class PreferencesForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: releases of every unit. A unit includes the units below it."),
    )  # fmt: skip
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None chosen: every category."),
    )  # fmt: skip
    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every topic."),
    )  # fmt: skip
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=LANGUAGES, initial="id")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(is_active=True).order_by("name")
        self.fields["categories"].queryset = Category.objects.all()
        self.fields["tags"].queryset = Tag.objects.filter(releases__isnull=False).distinct().order_by("name")

    def preferences(self) -> Preferences:
        d = self.cleaned_data
        return Preferences(
            units=list(d["units"]), categories=list(d["categories"]), tags=list(d["tags"]), language=d["language"]
        )


class SubscribeForm(HumanCheckMixin, PreferencesForm):
    min_seconds_setting = "SUBSCRIBE_FORM_MIN_SECONDS"

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Work e-mail"), max_length=254)
    outlet = forms.CharField(label=_("Media outlet"), max_length=150, help_text=_("e.g. Harian Lombok Pos"))
    consent = forms.BooleanField(
        label=_("I want to receive the press releases by e-mail and can leave at any time with one click.")
    )
    field_order = ["name", "email", "outlet", "units", "categories", "tags", "language", "consent"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if is_disposable(email):
            raise forms.ValidationError(
                _("Please use a mailbox you will keep: throw-away addresses cannot subscribe."), code="disposable"
            )
        return email


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: name, email, and optionally phone, outlet, language (id or en)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    prior_consent = forms.BooleanField(
        label=_(
            "These people agreed before to receive our press releases by e-mail (they are confirmed at once; "
            "otherwise each gets the confirmation e-mail)"
        ),
        required=False,
    )
