"""The console's page for Open311 client apps (/staf/open311/): a humas admin registers an app and gets its
API key once, and revokes keys. Only humas admins of the main unit (access.is_humas_admin) may."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from humas import access
from humas.errors import Refused
from humas.views import staff_required
from open311 import clients, georeport
from open311.models import Client


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("App name"), max_length=120)
    contact = forms.EmailField(label=gettext_lazy("Contact e-mail of its developer"))


def _admin_only(request: HttpRequest) -> None:
    if not access.is_humas_admin(request.user):
        raise PermissionDenied


@never_cache
@staff_required
def client_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = ClientForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client, new_key = clients.issue_client(by=request.user, **form.cleaned_data)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(name)s is registered. Copy its API key now: it is shown only once.")
                                 % {"name": client.name})  # fmt: skip
                form = ClientForm()
        if new_key is None:
            status = 400
    rows = Client.objects.select_related("issued_by").order_by("revoked_at", "name")
    context = {
        "form": form,
        "clients": rows,
        "new_key": new_key,
        "endpoint": request.build_absolute_uri("/open311/v2/"),
        "jurisdiction": georeport.jurisdiction_id(),
    }
    return render(request, "open311/clients.html", context, status=status)


@require_POST
@staff_required
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    client = get_object_or_404(Client, pk=pk)
    clients.revoke_client(client, by=request.user)
    messages.success(request, _("The API key of %(name)s no longer works.") % {"name": client.name})
    return redirect("open311_staff:clients")


app_name = "open311_staff"

urlpatterns = [
    path("staf/open311/", client_list, name="clients"),
    path("staf/open311/<int:pk>/cabut/", client_revoke, name="revoke"),
]
