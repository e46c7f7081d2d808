from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Unit
from .uploads import IMAGE_FORMATS


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
