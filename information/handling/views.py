"""The console for information requests: the PPID's queue, one request with its steps, the written notices,
the requester's and the answer's files, and the public information list's maintenance. Access comes from
humas.access: other units' requests answer 404, a role without the step 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from humas import access
from humas.errors import Refused
from humas.views import staff_required
from information import clock
from information.handling import listing, workflow
from information.handling.forms import ACTION_FORMS, ListItemForm, build_form, run_action
from information.models import InformationRequest, ListItem, ObjectionStatus, Status
from information.notices import available, notice_context
from information.public.views import file_response

PAGE_SIZE = 25
FILTERS = {
    "terbuka": Q(status__in=(Status.RECEIVED, Status.EXTENDED)),
    "keberatan": Q(objection__status=ObjectionStatus.FILED),
    "selesai": ~Q(status__in=(Status.RECEIVED, Status.EXTENDED)),
}


def _visible(user):
    return access.scope(user, "information.view", InformationRequest.objects.select_related("unit", "objection"))


def _get(request: HttpRequest, pk: int) -> InformationRequest:
    return access.get_for(
        request.user, "information.view", InformationRequest.objects.select_related("unit", "list_item"), pk=pk
    )


@staff_required
def queue_view(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, "information.view"):
        raise PermissionDenied
    wanted = request.GET.get("tampil", "terbuka")
    requests = _visible(request.user)
    if wanted in FILTERS:
        requests = requests.filter(FILTERS[wanted])
    requests = requests.order_by("due_at", "pk") if wanted == "terbuka" else requests.order_by("-registered_at", "-pk")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("halaman"))
    now = timezone.now()
    rows = [(r, clock.is_overdue(r, now)) for r in page.object_list]
    return render(
        request,
        "information/staff/queue.html",
        {"page": page, "rows": rows, "wanted": wanted, "filters": list(FILTERS),
         "may_list": access.has_any(request.user, "information.list"),
         "may_record": access.has_any(request.user, "information.handle")},
    )  # fmt: skip


def _detail_context(request, info_request, forms_by_name=None) -> dict:
    forms_by_name = forms_by_name or {}
    user = request.user
    actions = [
        (action, forms_by_name.get(action.name) or build_form(action.name, info_request, user))
        for action in workflow.allowed(user, info_request)
    ]
    shown = {action.name for action, _form in actions}
    actions += [(workflow.ACTIONS[n], f) for n, f in forms_by_name.items() if n not in shown]
    return {
        "info_request": info_request,
        "events": list(info_request.events.select_related("actor").order_by("created_at", "pk")),
        "objection": workflow.objection_of(info_request),
        "actions": actions,
        "notices": available(info_request),
        "overdue": clock.is_overdue(info_request),
        "shows_identity": access.can(user, "information.handle", info_request)
        or access.can(user, "information.objection", info_request),
    }


@staff_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "information/staff/detail.html", _detail_context(request, _get(request, pk)))


@staff_required
@require_POST
def action_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    info_request = _get(request, pk)
    if name not in ACTION_FORMS:
        raise Http404
    if not access.can(request.user, workflow.ACTIONS[name].permission, info_request):
        raise PermissionDenied
    form = build_form(name, info_request, request.user, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            run_action(name, info_request, request.user, form)
        except Refused as exc:
            form.add_error(None, exc.message)
            status = exc.status if exc.status != 403 else 400
        else:
            messages.success(request, _("%(action)s: done.") % {"action": workflow.ACTIONS[name].label})
            return redirect("information_staff:detail", pk=pk)
    info_request.refresh_from_db()
    context = _detail_context(request, info_request, {name: form})
    context["open_action"] = name
    return render(request, "information/staff/detail.html", context, status=status)


@staff_required
def notice_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return render(request, "information/notice.html", {**notice_context(_get(request, pk), kind), "staff": True})


@staff_required
def document_view(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    info_request = _get(request, pk)
    if which == "dokumen":
        if not access.can(request.user, "information.handle", info_request):
            raise PermissionDenied
        field = info_request.legal_document
    else:
        field = info_request.answer_file
    if not field:
        raise Http404
    return file_response(field, f"{info_request.number.replace('/', '-')}-{which}")


# --- the public information list ---------------------------------------------------------------------------------


@staff_required
def list_view(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, "information.list"):
        raise PermissionDenied
    items = access.scope(request.user, "information.list", ListItem.objects.select_related("unit")).order_by(
        "unit__name", "info_class", "title"
    )
    page = Paginator(items, 50).get_page(request.GET.get("halaman"))
    return render(request, "information/staff/list.html", {"page": page})


@staff_required
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not access.has_any(request.user, "information.list"):
        raise PermissionDenied
    units = access.units_for(request.user, "information.list").active()
    item = None
    if pk is not None:
        item = access.get_for(request.user, "information.list", ListItem.objects.select_related("unit"), pk=pk)
    form = ListItemForm(request.POST or None, request.FILES or None, instance=item, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            listing.save_item(form.instance, by=request.user)
            messages.success(request, _("The list item was saved."))
            return redirect("information_staff:list")
    return render(request, "information/staff/item_form.html", {"form": form, "item": item}, status=status)


def render_home(request: HttpRequest, **context) -> str:
    """The "staff_home" slot: the PPID's and the atasan PPID's work at a glance (one query)."""
    from django.db.models import Count
    from django.template.loader import render_to_string

    from humas import dates

    if not access.has_any(request.user, "information.view"):
        return ""
    now = timezone.now()
    soon = dates.deadline(now, 2)
    counts = _visible(request.user).aggregate(
        open=Count("pk", filter=FILTERS["terbuka"]),
        overdue=Count("pk", filter=FILTERS["terbuka"] & Q(due_at__lt=now)),
        due_soon=Count("pk", filter=FILTERS["terbuka"] & Q(due_at__gte=now, due_at__lte=soon)),
        objections=Count("pk", filter=FILTERS["keberatan"]),
    )
    return render_to_string("information/staff/_home.html", {"counts": counts}, request=request)


@staff_required
def intake_view(request: HttpRequest) -> HttpResponse:
    """The PPID records a request received by letter, in person or by phone; the requester gets the code."""
    from django.core.exceptions import ValidationError

    from information.handling.forms import StaffRequestForm
    from information.models import Channel
    from information.public import intake
    from information.public.session import keep_code_for_receipt

    if not access.has_any(request.user, "information.handle"):
        raise PermissionDenied
    units = access.units_for(request.user, "information.handle").active()
    form = StaffRequestForm(request.POST or None, request.FILES or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                info_request, code = intake.submit_request(
                    data=form.to_input(), document=form.cleaned_data.get("legal_document"), channel=Channel.STAFF,
                    by=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error("legal_document", exc)
            else:
                keep_code_for_receipt(request, info_request, code)
                return redirect("information_staff:recorded", pk=info_request.pk)
    return render(request, "information/staff/intake.html", {"form": form, "files_lost": bool(request.FILES)},
                  status=status)  # fmt: skip


@staff_required
def recorded_view(request: HttpRequest, pk: int) -> HttpResponse:
    from information.public.intake import display_code
    from information.public.session import take_code_for_receipt

    info_request = access.get_for(request.user, "information.handle", InformationRequest.objects.select_related("unit"),
                                  pk=pk)  # fmt: skip
    code = take_code_for_receipt(request, info_request)
    return render(request, "information/staff/recorded.html",
                  {"info_request": info_request, "code": display_code(code) if code else None})  # fmt: skip
