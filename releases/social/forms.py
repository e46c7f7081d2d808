"""Input of the social distribution's steps, for the console and the API alike."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PostForm(forms.Form):
    """A post of a release on one of its channels: which channel, and optionally the post's address."""

    channel = forms.IntegerField(label=_("Channel"), min_value=1)
    post_url = forms.URLField(label=_("Address of the post"), required=False, max_length=500, assume_scheme="https")
