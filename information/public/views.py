"""The requester's side: file a request, see the receipt, track it by its code, read the written notices,
object; the public information list and the public statistics. Views parse and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from humas import ratelimit
from humas.errors import Refused
from humas.models import Unit
from humas.retention import data_download
from humas.security import client_ip
from information import clock, retention
from information.handling import workflow
from information.models import Channel, ListItem
from information.notices import available, notice_context
from information.public import intake
from information.public.forms import ObjectionForm, TrackForm, WebRequestForm
from information.public.session import keep_code_for_receipt, remember, take_code_for_receipt, tracked_request
from information.public.timeline import public_events


@never_cache
def request_form(request: HttpRequest) -> HttpResponse:
    status, throttled = 200, False
    if request.method == "POST":
        form = WebRequestForm(request.POST, request.FILES)
        if not ratelimit.allow("information-submit", client_ip(request)):
            throttled, status = True, 429
        elif form.is_valid():
            try:
                info_request, code = intake.submit_request(
                    data=form.to_input(), document=form.cleaned_data.get("legal_document"), channel=Channel.WEB
                )
            except ValidationError as exc:
                form.add_error("legal_document", exc)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                remember(request, info_request)
                keep_code_for_receipt(request, info_request, code)
                return redirect("information:receipt", pk=info_request.pk)
        if not throttled:
            status = 400
    else:
        initial = {}
        slug = request.GET.get("unit")
        if slug and Unit.objects.active().filter(slug=slug).exists():
            initial["unit"] = slug
        item = request.GET.get("item")
        if item and item.isdigit():
            found = ListItem.objects.filter(pk=int(item), is_active=True).select_related("unit").first()
            if found:
                initial.update(unit=found.unit.slug, list_item=found.pk, information=found.title)
        form = WebRequestForm(initial=initial)
    context = {"form": form, "throttled": throttled, "files_lost": request.method == "POST" and bool(request.FILES)}
    return render(request, "information/form.html", context, status=status)


@never_cache
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    info_request = tracked_request(request, pk)
    code = take_code_for_receipt(request, info_request)
    return render(
        request,
        "information/receipt.html",
        {"info_request": info_request, "code": intake.display_code(code) if code else None},
    )


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if not ratelimit.allow("information-track", client_ip(request)):
            form.add_error(None, _("Too many look-ups from your network. Wait ten minutes and try again."))
            status = 429
        elif form.is_valid():
            found = intake.find_by_code(form.cleaned_data["code"])
            if found is not None:
                remember(request, found)
                return redirect("information:track_detail", pk=found.pk)
            form.add_error(
                "code",
                _(
                    "We found no request with this code. Check it against your receipt: 12 letters and digits "
                    "after INF-."
                ),
            )
            status = 404
        else:
            status = 400
    else:
        form = TrackForm()
    return render(request, "information/track.html", {"form": form}, status=status)


def detail_context(info_request, objection_form=None) -> dict:
    objection = workflow.objection_of(info_request)
    closes = clock.objection_closes(info_request)
    may_object = objection is None and closes is not None and timezone.now() <= closes
    return {
        "info_request": info_request,
        "events": public_events(info_request),
        "objection": objection,
        "objection_closes": closes,
        "may_object": may_object,
        "overdue": clock.is_overdue(info_request),
        "objection_form": objection_form or ObjectionForm(),
        "notices": available(info_request),
    }


@never_cache
def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "information/track_detail.html", detail_context(tracked_request(request, pk)))


@require_POST
def object_view(request: HttpRequest, pk: int) -> HttpResponse:
    info_request = tracked_request(request, pk)  # only the requester's session reaches this
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            workflow.file_objection(
                info_request, grounds=form.cleaned_data["grounds"], reason=form.cleaned_data["reason"]
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your objection was filed. The atasan PPID answers it within 30 working days."))
            return redirect("information:track_detail", pk=pk)
    context = detail_context(info_request, objection_form=form)
    context["open_objection"] = True
    return render(request, "information/track_detail.html", context, status=400)


@never_cache
@require_GET
def my_data(request: HttpRequest, pk: int) -> HttpResponse:
    """What the portal holds about the request, for its requester (JSON; the tracking session only)."""
    info_request = tracked_request(request, pk)
    return data_download(retention.export(info_request), f"permohonan-informasi-{info_request.pk}.json")


@never_cache
def notice(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    info_request = tracked_request(request, pk)
    return render(request, "information/notice.html", notice_context(info_request, kind))


@require_GET
def answer_file(request: HttpRequest, pk: int) -> FileResponse:
    info_request = tracked_request(request, pk)
    if not info_request.answer_file:
        raise Http404
    return file_response(info_request.answer_file, f"{info_request.number.replace('/', '-')}")


def file_response(field, stem: str) -> FileResponse:
    extension = field.name.rsplit(".", 1)[-1] if "." in field.name else "bin"
    response = FileResponse(field.open("rb"), as_attachment=True, filename=f"{stem}.{extension}")
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the public information list -------------------------------------------------------------------------------


@require_GET
def list_index(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count, Q

    units = (
        Unit.objects.active()
        .annotate(items=Count("information_items", filter=Q(information_items__is_active=True)))
        .order_by("name")
        .only("pk", "name", "slug")
    )
    return render(request, "information/index.html", {"units": units})


@require_GET
def unit_list(request: HttpRequest, slug: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.active(), slug=slug)
    items = ListItem.objects.filter(unit=unit, is_active=True).order_by("info_class", "title")
    wanted = request.GET.get("kelas", "")
    from information.models import InformationClass

    if wanted in InformationClass.values:
        items = items.filter(info_class=wanted)
    return render(
        request,
        "information/unit_list.html",
        {"unit": unit, "items": items, "classes": InformationClass.choices, "wanted": wanted},
    )


@require_GET
def list_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(ListItem, pk=pk, is_active=True)
    if not item.file or item.info_class == "dikecualikan":
        raise Http404
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1])
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
