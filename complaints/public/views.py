"""The citizen's side: file a report, see the receipt, track it by its code, add to it, rate it; the public
board. Views parse and call the services in intake.py and workflow.py; nothing here writes a model."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from complaints.handling import clarifications, duplicates, workflow
from complaints.models import (
    BOARD_STATUSES,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Kind,
    Status,
    Visibility,
)
from complaints.public import intake, mapdata, places
from complaints.public.forms import WebComplaintForm
from complaints.public.tracking import (
    AddInformationForm,
    ObjectionForm,
    RatingForm,
    TrackForm,
    public_attachments,
    public_events,
)
from humas import access, geo, ratelimit, reporter_sessions
from humas.errors import Refused
from humas.forms import DayPicker, YearsAround
from humas.models import Unit
from humas.security import allow_post, client_ip
from humas.units import active_unit

SESSION_KIND = "complaint"


def remember(request: HttpRequest, complaint: Complaint) -> None:
    """The browser that filed a report or entered its code holds it in its tracking session."""
    reporter_sessions.enter(request, SESSION_KIND, complaint.pk)


def tracked_complaint(request: HttpRequest, pk: int) -> Complaint:
    """The report of a reporter's page or action: only through the tracking session (a staff login is not
    enough, and any other report answers 404, the same as one that does not exist)."""
    if not reporter_sessions.holds(request, SESSION_KIND, pk):
        raise Http404
    return get_object_or_404(Complaint.objects.select_related("unit", "category"), pk=pk)


# --- filing -----------------------------------------------------------------------------------------------------


@never_cache
def complaint_form(request: HttpRequest) -> HttpResponse:
    status = 200
    throttled = False
    if request.method == "POST":
        form = WebComplaintForm(request.POST, request.FILES)
        allowed = allow_post(request, "complaint-submit")
        if not allowed:
            throttled, status = True, 429
        elif form.is_valid():
            try:
                complaint = intake.submit_complaint(
                    data=form.to_input(), files=form.cleaned_data["attachments"], channel=Channel.WEB
                )
            except ValidationError as exc:
                form.add_error("attachments", exc)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                remember(request, complaint)
                reporter_sessions.hand_code(request, SESSION_KIND, complaint.pk, complaint.issued_code)
                return redirect("complaints:receipt", pk=complaint.pk)
        if not throttled:
            status = 400
    else:
        initial = {}
        unit_slug = request.GET.get("unit")
        if unit_slug and Unit.objects.active().filter(slug=unit_slug).exists():
            initial["unit"] = unit_slug
        form = WebComplaintForm(initial=initial)
    form.prepare_display()
    files_lost = request.method == "POST" and bool(request.FILES)
    context = {"form": form, "throttled": throttled, "files_lost": files_lost, "unit_areas": unit_boxes(),
               "geocoder": places.enabled()}  # fmt: skip
    return render(request, "complaints/form.html", context, status=status)


def unit_boxes() -> dict[str, list[float]]:
    """slug → [south, west, north, east] of each active unit with an area: the picker centres on the chosen one."""
    rows = Unit.objects.active().filter(area_size__isnull=False)
    rows = rows.values_list("slug", "area_south", "area_west", "area_north", "area_east")
    return {slug: [s, w, n, e] for slug, s, w, n, e in rows}


@never_cache
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The code is shown here once, right after filing; a reload shows the reference and points to the e-mail."""
    complaint = tracked_complaint(request, pk)
    code = reporter_sessions.take_code(request, SESSION_KIND, pk)
    return render(
        request, "complaints/receipt.html", {"complaint": complaint, "code": code, **intake.receipt_context(complaint)}
    )


# --- tracking ---------------------------------------------------------------------------------------------------


def _track_allowed(request: HttpRequest) -> bool:
    return ratelimit.allow("complaint-track", client_ip(request))


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if not _track_allowed(request):
            form.add_error(None, _("Too many look-ups from your network. Wait ten minutes and try again."))
            status = 429
        elif form.is_valid():
            complaint = intake.find_by_code(form.cleaned_data["code"])
            if complaint is not None:
                remember(request, complaint)
                return redirect("complaints:track_detail", pk=complaint.pk)
            form.add_error(
                "code",
                _(
                    "We found no report with this code. Check it against your receipt: 12 letters and digits "
                    "after ADU-, e.g. ADU-7KQ2-M9XD-4TNP."
                ),
            )
            status = 404
        else:
            status = 400
    else:
        form = TrackForm()
    return render(request, "complaints/track.html", {"form": form}, status=status)


def _detail_context(complaint: Complaint, **forms) -> dict:
    deadline = workflow.objection_deadline(complaint)
    return {
        "complaint": complaint,
        "events": public_events(complaint),
        "original_answers": duplicates.original_answers(complaint),
        "clarifications": clarifications.for_reporter(complaint),
        "attachments_by_event": public_attachments(complaint),
        "objection_deadline": deadline,
        "may_add": complaint.is_open,
        "may_rate": complaint.status == Status.RESOLVED,
        "add_form": forms.get("add_form") or AddInformationForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "objection_form": forms.get("objection_form") or ObjectionForm(),
    }


@never_cache
def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = tracked_complaint(request, pk)
    return render(request, "complaints/track_detail.html", _detail_context(complaint))


@require_POST
def add_information(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = tracked_complaint(request, pk)
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            intake.add_information(
                complaint, message=form.cleaned_data["message"], files=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            form.add_error("attachments" if exc.code != "empty" else "message", exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your information was added to the report."))
            return redirect("complaints:track_detail", pk=complaint.pk)
    context = _detail_context(complaint, add_form=form)
    context["files_lost"] = bool(request.FILES)
    return render(request, "complaints/track_detail.html", context, status=400)


def _reporter_action(request: HttpRequest, pk: int, form_class, form_name: str, act, done: str) -> HttpResponse:
    """A reporter's action from the tracking page: the form validates, `act(complaint, cleaned_data)` calls
    the workflow; a refusal shows on the page with what was typed."""
    complaint = tracked_complaint(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("complaints:track_detail", pk=complaint.pk)
    return render(request, "complaints/track_detail.html", _detail_context(complaint, **{form_name: form}), status=400)


@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _reporter_action(
        request, pk, RatingForm, "rating_form",
        lambda complaint, data: workflow.rate(complaint, score=data["score"], comment=data["comment"]),
        _("Thank you. Your rating was recorded and the report is closed."),
    )  # fmt: skip


@require_POST
def object_to_resolution(request: HttpRequest, pk: int) -> HttpResponse:
    return _reporter_action(
        request, pk, ObjectionForm, "objection_form",
        lambda complaint, data: workflow.object_to_resolution(complaint, reason=data["reason"]),
        _("Your objection was recorded. The report is being handled again."),
    )  # fmt: skip


@require_GET
def attachment(request: HttpRequest, pk: int, variant: str = "file") -> FileResponse:
    """Hand out an attachment to the browser that tracks its report, or to staff who may see the report."""
    item = get_object_or_404(Attachment.objects.select_related("complaint", "event"), pk=pk)
    complaint = item.complaint
    is_reporter = reporter_sessions.holds(request, SESSION_KIND, complaint.pk)
    if is_reporter:
        if item not in public_attachments(complaint).get(item.event_id, []):
            raise Http404
    elif not access.can(request.user, "complaint.view", complaint):
        raise Http404
    stored = item.thumbnail if variant == "thumbnail" and item.thumbnail else item.file
    return attachment_response(item, stored, thumbnail=stored is item.thumbnail)


def attachment_response(item: Attachment, stored, *, thumbnail: bool = False) -> FileResponse:
    """A complaint's file as the browser gets it (page and API alike): a PDF always as a download, every file
    in a CSP sandbox (no script, no same-origin rights even if a viewer renders it) and never stored by a
    browser or proxy cache (it is personal data behind a permission check)."""
    response = FileResponse(
        stored.open("rb"),
        content_type="image/webp" if thumbnail else item.content_type,
        as_attachment=item.kind == "pdf" and not thumbnail,
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --- public board -----------------------------------------------------------------------------------------------

BOARD_PAGE_SIZE = 20


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    reports = (
        Complaint.objects.filter(visibility=Visibility.PUBLIC, status__in=BOARD_STATUSES)
        .select_related("unit", "category")
        .only(
            "pk",
            "kind",
            "title",
            "status",
            "created_at",
            "resolved_at",
            "unit__name",
            "unit__slug",
            "unit__time_zone",
            "category__name",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ComplaintEvent.objects.filter(by_reporter=False)
                .exclude(public_message="")
                .only("pk", "complaint_id", "kind", "public_message", "created_at"),
                to_attr="public_responses",
            )
        )
        .order_by("-created_at", "-pk")
    )
    filters = {
        "kind": request.GET.get("jenis", ""),
        "unit": request.GET.get("unit", ""),
        "status": request.GET.get("status", ""),
        "year": request.GET.get("tahun", ""),
    }
    if filters["kind"] in Kind.values:
        reports = reports.filter(kind=filters["kind"])
    if filters["unit"]:
        reports = reports.filter(unit__slug=filters["unit"])
    if filters["status"] in BOARD_STATUSES:
        reports = reports.filter(status=filters["status"])
    if filters["year"].isdigit() and len(filters["year"]) == 4:
        reports = reports.filter(created_at__year=int(filters["year"]))
    page = Paginator(reports, BOARD_PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "complaints/board.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "kinds": Kind.choices,
            "statuses": [(s, Status(s).label) for s in BOARD_STATUSES],
            "units": Unit.objects.active().order_by("name").only("slug", "name"),
            "map_filters": urlencode({"unit": filters["unit"]} if filters["unit"] else {}),
        },
    )


# --- public map -------------------------------------------------------------------------------------------------

MAP_LIST_PAGE_SIZE = 20
MAP_YEARS = YearsAround(back=5, ahead=0)


def picked_day(params, name: str) -> str:
    """A day filter as YYYY-MM-DD: from the picker's parts (the month named in Indonesian) or a plain value."""
    return DayPicker().value_from_datadict(params, {}, name) or ""


def _map_filters(params) -> dict:
    """The map's filters from the query string (shared by the page and its data); bad values are ignored."""
    category = params.get("kategori", "")
    since, until = picked_day(params, "dari"), picked_day(params, "sampai")

    def day(text: str):
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    return {
        "unit": params.get("unit", "") if active_unit(params.get("unit", "")) else "",
        "category": int(category) if category.isdigit() and len(category) < 10 else None,
        "since": day(since),
        "until": day(until),
    }


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The public map and, beside it, the list of the same reports (the map is never the only way to them)."""
    filters = _map_filters(request.GET)
    query = mapdata.MapQuery(west=-180, south=-90, east=180, north=90, zoom=mapdata.CLUSTER_BELOW_ZOOM, **filters)
    reports = (
        mapdata.public_reports(query)
        .select_related("unit", "category")
        .only("pk", "title", "status", "created_at", "latitude", "longitude", "unit__name", "unit__time_zone",
              "category__name")
        .order_by("-created_at", "-pk")
    )  # fmt: skip
    page = Paginator(reports, MAP_LIST_PAGE_SIZE).get_page(request.GET.get("halaman"))
    for report in page.object_list:
        report.public_point = (geo.public_coordinate(report.latitude), geo.public_coordinate(report.longitude))
    query_string = request.GET.copy()
    query_string.pop("halaman", None)
    typed = {"dari": picked_day(request.GET, "dari"), "sampai": picked_day(request.GET, "sampai")}
    data_filters = {k: v for k, v in (("unit", filters["unit"]), ("kategori", filters["category"] or ""),
                    ("dari", typed["dari"]), ("sampai", typed["sampai"])) if v}  # fmt: skip
    return render(
        request,
        "complaints/map.html",
        {
            "page": page,
            "query": query_string.urlencode(),
            "filters": filters,
            "pickers": {name: DayPicker(years=MAP_YEARS).render(name, value) for name, value in typed.items()},
            "data_filters": urlencode(data_filters),
            "units": Unit.objects.active().order_by("name").only("slug", "name"),
            "categories": Category.objects.filter(is_active=True, unit__is_active=True).only("pk", "name"),
            "start_box": _start_box(filters["unit"]),
        },
    )


def _start_box(unit_slug: str) -> list[float] | None:
    """Where the map opens: the chosen unit's area, else the root unit's, else the country (the script's)."""
    units = Unit.objects.active().filter(area_size__isnull=False)
    unit = units.filter(slug=unit_slug).first() if unit_slug else None
    unit = unit or units.filter(parent__isnull=True).order_by("pk").first()
    return [unit.area_south, unit.area_west, unit.area_north, unit.area_east] if unit else None


@require_GET
def place(request: HttpRequest) -> HttpResponse:
    """The place name of a point for the picker (`?lat=&lon=`), from the optional geocoder; 404 when it is off."""
    if not places.enabled():
        raise Http404
    if not ratelimit.allow("place-name", client_ip(request)):
        return JsonResponse({"name": ""}, status=429)
    try:
        lat, lng = float(request.GET.get("lat", "")), float(request.GET.get("lon", ""))
        geo.check_point(lat, lng)
    except (ValueError, ValidationError):
        return JsonResponse({"name": ""}, status=400)
    name = places.place_name(lat, lng, language=translation.get_language() or "id")
    return JsonResponse({"name": name})


@require_GET
def map_data(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the public reports in `bbox` (west,south,east,north) at `zoom`, clustered below street zoom."""
    try:
        west, south, east, north = mapdata.parse_bbox(request.GET.get("bbox", ""))
    except ValueError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    zoom = request.GET.get("zoom", "")
    zoom = min(int(zoom), 19) if zoom.isdigit() and len(zoom) < 3 else 10
    query = mapdata.MapQuery(west=west, south=south, east=east, north=north, zoom=zoom,
                             **_map_filters(request.GET))  # fmt: skip
    body = mapdata.answer(query, translation.get_language() or "id")
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=60"
    return response
