"""Where the channels show: the footer (the site's root unit), each unit's contact page, and the staff
console page where humas admins and editors keep them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from humas import access
from humas.context_processors import site_identity
from humas.errors import Refused
from humas.models import Unit
from humas.views import staff_required

from . import channels
from .models import SocialChannel

CACHE_SECONDS = 60


def footer(request: HttpRequest, **context) -> str:
    """The site's own channels (the root unit's), for the footer slot; kept a minute in each process's memory
    (caches["local"]), so that every page's footer costs no round trip and no Redis."""
    cache = caches["local"]
    unit_id = site_identity().get("pk")
    if not unit_id:
        return ""
    key = f"channels:footer:{unit_id}:{getattr(request, 'LANGUAGE_CODE', '')}"
    html = cache.get(key)
    if html is None:
        found = channels.channels_of(unit_id)
        html = render_to_string("channels_social/footer.html", {"channels": found}, request=request) if found else ""
        cache.set(key, html, CACHE_SECONDS)
    return html


def unit_contact(request: HttpRequest, *, unit: Unit | None = None, **context) -> str:
    if unit is None:
        return ""
    found = channels.channels_of(unit.pk)
    if not found:
        return ""
    return render_to_string(
        "channels_social/unit_contact.html",
        {"channels": found, "complaint_channels": [c for c in found if c.accepts_complaints]},
        request=request,
    )


class ChannelForm(channels.ChannelUrlFormMixin, forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("address"), max_length=300, assume_scheme="https")

    class Meta:
        model = SocialChannel
        fields = ["unit", "platform", "handle", "url", "order", "accepts_complaints", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.units_for(user, "channel.manage").order_by("name")
        self.fields["url"].widget.attrs["placeholder"] = "https://"


@staff_required
def manage(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, "channel.manage"):
        return render(request, "403.html", status=403)
    listed = access.scope(request.user, "channel.manage", SocialChannel.objects.select_related("unit")).order_by(
        "unit__name", "order", "platform"
    )
    form = ChannelForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                channels.save_channel(form.instance, by=request.user)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Channel saved."))
                return redirect("channels_social:manage")
    return render(request, "channels_social/manage.html", {"form": form, "channels": listed}, status=status)


@staff_required
@require_POST
def toggle(request: HttpRequest, pk: int) -> HttpResponse:
    channel = access.get_for(request.user, "channel.manage", SocialChannel.objects.all(), pk=pk)
    channel.is_active = not channel.is_active
    channels.save_channel(channel, by=request.user)
    messages.success(request, _("Channel shown.") if channel.is_active else _("Channel hidden."))
    return redirect("channels_social:manage")


def staff_menu(request: HttpRequest, **context) -> str:
    if not access.has_any(request.user, "channel.manage"):
        return ""
    return render_to_string("channels_social/_menu.html", request=request)
