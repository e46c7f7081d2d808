"""One validation per operation, shared by the console pages and the API."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from humas import access
from humas.forms import PICK_A_MOMENT, MomentPicker, MonthPicker, YearsAround
from humas.models import Unit

from . import fetching
from .issues import DEFAULT_PERIOD, PERIOD_LABELS
from .models import Tone


class IssuesQueryForm(forms.Form):
    """?periode= (24h, 7d, 30d) and ?unit= (a unit's slug in the user's scope; empty: all of them)."""

    periode = forms.ChoiceField(
        label=_("Period"), choices=list(PERIOD_LABELS.items()), required=False,
        error_messages={"invalid_choice": _("Choose the last 24 hours, 7 days or 30 days.")},
    )  # fmt: skip
    unit = forms.SlugField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_periode(self) -> str:
        return self.cleaned_data.get("periode") or DEFAULT_PERIOD

    def clean_unit(self) -> Unit | None:
        slug = self.cleaned_data.get("unit")
        if not slug:
            return None
        unit = access.units_for(self.user, "monitoring.view").filter(slug=slug).first()
        if unit is None:
            raise forms.ValidationError(_("That unit is not among yours."), code="unknown_unit")
        return unit

    def scope(self) -> frozenset[int] | None:
        """The unit ids to count: the chosen unit and those below it, or every unit the user may see."""
        unit = self.cleaned_data.get("unit")
        if unit is None:
            return access.unit_ids_for(self.user, "monitoring.view")
        return frozenset(Unit.objects.subtree_of([unit]).values_list("pk", flat=True))


class AnalysisForm(IssuesQueryForm):
    """?bulan=YYYY-MM (default: this month) and ?unit=."""

    periode = None
    bulan = forms.CharField(label=_("Month"), required=False, max_length=7, widget=MonthPicker())

    def clean_bulan(self) -> date:
        value = (self.cleaned_data.get("bulan") or "").strip()
        if not value:
            return timezone.localdate().replace(day=1)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."))
        return date(int(match[1]), int(match[2]), 1)


class UnitChoiceMixin:
    action = "monitoring.manage"

    def limit_units(self, user) -> None:
        self.fields["unit"].queryset = access.units_for(user, self.action).filter(is_active=True).order_by("name")


class SourceForm(UnitChoiceMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("e.g. Regional news, or a search for our name"))
    outlet = forms.CharField(label=_("Outlet"), max_length=120, help_text=_("The medium, e.g. Lombok Post."))
    url = forms.URLField(label=_("Feed address (RSS or Atom)"), max_length=500, assume_scheme="https")
    interval_minutes = forms.IntegerField(
        label=_("Fetch every (minutes)"), min_value=5, max_value=1440, initial=15,
        error_messages={
            "min_value": _("Fetch at most every 5 minutes."), "max_value": _("Fetch at least once a day (1440)."),
        },
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(user)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            fetching.check_address(url)
        except fetching.FetchError as exc:
            if exc.refused:  # a private or local address: never stored
                raise forms.ValidationError(exc.message, code="refused") from None
        return url


class WatchTermForm(UnitChoiceMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    phrase = forms.CharField(
        label=_("Keyword or phrase"), min_length=2, max_length=120,
        help_text=_("A name, an abbreviation, a leader's name or a programme. Case and word forms do not matter."),
    )  # fmt: skip
    is_exclusion = forms.BooleanField(label=_("Exclusion: leave out items that contain it"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(user)


class ClippingForm(UnitChoiceMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    url = forms.URLField(label=_("Address of the news item"), max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=300)
    outlet = forms.CharField(label=_("Outlet"), max_length=120)
    summary = forms.CharField(label=_("Summary or lead"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    published_at = forms.DateTimeField(
        label=_("Published"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=MomentPicker(years=YearsAround(back=10, ahead=0)),
        help_text=_("In the unit's own time zone."),
        error_messages={"invalid": PICK_A_MOMENT},
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(user)

    def clean(self):
        data = super().clean()
        unit, when = data.get("unit"), data.get("published_at")
        if unit and when:  # read as the unit's wall-clock time
            data["published_at"] = timezone.make_aware(timezone.make_naive(when), ZoneInfo(unit.time_zone))
            if data["published_at"] > timezone.now():
                self.add_error("published_at", _("The publication time is in the future."))
        return data


class ToneForm(forms.Form):
    tone = forms.ChoiceField(
        label=_("Tone"), choices=Tone.choices,
        error_messages={"invalid_choice": _("Choose positive, neutral or negative.")},
    )  # fmt: skip


class ClippingFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    periode = forms.ChoiceField(label=_("Period"), choices=[("", _("Any time")), *PERIOD_LABELS.items()],
                                required=False)  # fmt: skip
    nada = forms.ChoiceField(label=_("Tone"), choices=[("", _("Any tone")), *Tone.choices], required=False)
    relevansi = forms.ChoiceField(
        label=_("Relevance"), required=False,
        choices=[("", _("Relevant")), ("tidak", _("Marked irrelevant")), ("semua", _("All"))],
    )  # fmt: skip
