"""Forms of the staff console. They validate input; the services in `publishing` and `images` decide."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from humas import access, dates
from humas.forms import PICK_A_MOMENT, MomentPicker, YearsAround
from humas.models import Unit

from .models import Category, Release
from .publishing import EDITABLE_FIELDS
from .richtext import BodyEditorWidget

User = get_user_model()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class ReleaseForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. pelayanan publik, ombudsman"),
    )

    class Meta:
        model = Release
        fields = ["unit", *EDITABLE_FIELDS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": BodyEditorWidget(),
            "title": forms.TextInput(attrs={"autofocus": True}),
        }

    def __init__(self, *args, user, by_slug: bool = False, **kwargs):
        """`by_slug`: the unit and the category are named by their slugs (the API) rather than their ids."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.units_for(user, "release.write").active().order_by("name")
        self.fields["category"].queryset = Category.objects.all()
        if by_slug:
            self.fields["unit"].to_field_name = self.fields["category"].to_field_name = "slug"
        staff = User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("first_name")
        for name in ("writer_user", "editor_user", "photographer_user"):
            self.fields[name] = StaffChoiceField(
                label=self.fields[name].label, queryset=staff, required=False, help_text=_("or type a name below")
            )
        self.fields["body"].required = False
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())
        if len(self.fields["unit"].queryset) == 1 and not self.instance.pk:
            self.fields["unit"].initial = self.fields["unit"].queryset[0]
        self.embargo_before = self.instance.embargo_until  # the instance takes the form's values when it validates
        zone = self.instance.unit.time_zone if self.instance.unit_id else settings.TIME_ZONE
        self.fields["embargo_until"] = UnitDateTimeField(
            label=_("Embargo until"),
            required=False,
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            widget=MomentPicker(years=YearsAround(back=0, ahead=2)),
            error_messages={"invalid": PICK_A_MOMENT},
            help_text=_(
                "Optional, in the unit's time zone (%(zone)s). Verified media partners receive the release when it "
                "is approved and may publish it from this time, when it is published here too."
            )
            % {"zone": dates.zone_abbreviation(zone)},
        )
        self.fields["embargo_until"].time_zone = zone
        if self.instance.status in ("published", "withdrawn"):
            self.fields["embargo_until"].disabled = True

    def clean(self):
        data = super().clean()
        until, unit = data.get("embargo_until"), data.get("unit")
        if until is not None and unit is not None and unit.time_zone != self.fields["embargo_until"].time_zone:
            # read again in the zone of the unit chosen in this form
            naive = timezone.make_naive(until, dates.zone(self.fields["embargo_until"].time_zone))
            until = data["embargo_until"] = timezone.make_aware(naive, dates.zone(unit.time_zone))
        if (
            until is not None
            and self.has_changed()
            and "embargo_until" in self.changed_data
            and until <= timezone.now()
        ):
            self.add_error("embargo_until", _("The embargo time has passed. Choose a time in the future."))
        return data

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags_text", "").split(",") if t.strip()]

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        old, new = self.embargo_before, data.get("embargo_until")
        if old and new and old.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0):
            data["embargo_until"] = old  # the form shows minutes: the same minute is no move of the embargo
        return data


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 20 MB. Location and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(
        label=_("Caption"), max_length=600, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    credit = forms.CharField(label=_("Photo credit"), max_length=120, required=False)
    alt_text = forms.CharField(
        label=_("Alternative text"),
        max_length=250,
        required=False,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    featured = forms.BooleanField(label=_("Featured photo (shown first and in share previews)"), required=False)


class PhotoEditForm(forms.Form):
    caption = forms.CharField(
        label=_("Caption"), max_length=600, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    credit = forms.CharField(label=_("Photo credit"), max_length=120, required=False)
    alt_text = forms.CharField(label=_("Alternative text"), max_length=250, required=False)
    featured = forms.BooleanField(label=_("Featured photo"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A press kit or data sheet as PDF, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class UnitDateTimeField(forms.DateTimeField):
    """A date and time read in the unit's zone (`time_zone`) when it carries no offset of its own."""

    time_zone = settings.TIME_ZONE

    def to_python(self, value):
        with timezone.override(dates.zone(self.time_zone)):
            return super().to_python(value)

    def prepare_value(self, value):
        """Shown in the unit's zone too (Django would show it in the site's)."""
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, dates.zone(self.time_zone))
        return super().prepare_value(value)


class ActionForm(forms.Form):
    """A workflow step's input, for the console and the API alike."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    publish_at = UnitDateTimeField(
        label=_("Publish at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=MomentPicker(years=YearsAround(back=0, ahead=2)),
        error_messages={"invalid": PICK_A_MOMENT},
    )

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publish_at"].time_zone = time_zone
        self.fields["publish_at"].help_text = _("In the unit's time zone (%(zone)s).") % {
            "zone": dates.zone_abbreviation(time_zone)
        }
