"""The reporter's rights over their personal data (UU 27/2022), from the tracking page: download what the
portal holds about the report (JSON), and ask for the identity to be erased before the retention term (an
admin confirms it in the complaint admin). Both need the reporter's tracking session, never a staff login."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from complaints import retention
from complaints.public.views import tracked_complaint
from humas.errors import Refused
from humas.retention import data_download


@never_cache
@require_GET
def my_data(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = tracked_complaint(request, pk)
    return data_download(retention.export(complaint), f"pengaduan-{complaint.pk}.json")


@require_POST
def ask_erasure(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = tracked_complaint(request, pk)
    try:
        retention.request_erasure(complaint)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Your request was recorded. An administrator erases your personal data from the report soon.")
        )
    return redirect("complaints:track_detail", pk=complaint.pk)
