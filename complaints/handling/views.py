"""The staff console for complaints: the queue, one report with its actions, recording a report received by
phone or letter, and the queue as a spreadsheet. Views parse and call queue.py (reads) and workflow.py /
intake.py (writes); access comes from humas.access, other units' reports answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.handling import clarifications, duplicates, queue, replies, sla, workflow
from complaints.handling.forms import ACTION_FORMS, ReplyTemplateForm, StaffIntakeForm, handlers_in, run_action
from complaints.models import Complaint, ReplyTemplate
from complaints.public import intake
from complaints.public.tracking import public_attachments
from humas import access
from humas.errors import Refused
from humas.models import Unit
from humas.views import staff_required

PAGE_SIZE = 25


def _require_any(user, action: str) -> None:
    if not access.has_any(user, action):
        raise Http404


@staff_required
def queue_view(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, "complaint.view")
    if request.method == "POST":
        return _bulk_assign(request)
    form, reports = queue.filtered(request.user, request.GET)
    if request.GET.get("format") == "xlsx":
        from complaints.reporting.exports import queue_xlsx

        return queue_xlsx(request, reports)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    may_assign = access.has_any(request.user, "complaint.handle")
    assignable = handlers_of_scope(request.user) if may_assign else []
    now = timezone.now()
    rows = [(c, sla.current_due(c), sla.is_overdue(c, now), sla.is_due_soon(c, now)) for c in page.object_list]
    return render(
        request,
        "complaints/staff/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "assignable": assignable,
            "may_assign": may_assign,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


MAP_LIMIT = 500


@staff_required
def queue_map(request: HttpRequest) -> HttpResponse:
    """The queue's reports with a point (the same filters), on a map with their exact points: staff only."""
    _require_any(request.user, "complaint.view")
    form, reports = queue.filtered(request.user, request.GET)
    located = list(reports.filter(latitude__isnull=False)[: MAP_LIMIT + 1])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(c.longitude), float(c.latitude)]},
            "properties": {
                "title": c.title, "status": c.status, "status_label": str(c.get_status_display()),
                "unit": c.unit.name, "category": c.category.name if c.category else "",
                "date": c.created_at.date().isoformat(), "url": reverse("complaints_staff:detail", args=[c.pk]),
            },
        }
        for c in located[:MAP_LIMIT]
    ]  # fmt: skip
    query = request.GET.urlencode()
    return render(
        request,
        "complaints/staff/map.html",
        {"form": form, "features": {"type": "FeatureCollection", "features": features},
         "count": len(features), "truncated": len(located) > MAP_LIMIT, "query": query},
    )  # fmt: skip


def handlers_of_scope(user):
    return list(handlers_in(access.units_for(user, "complaint.handle")))


def _numbers(values: list[str]) -> list[int] | None:
    """The posted ids as numbers; None when one is not a (reasonable) positive number."""
    if any(not value.isascii() or not value.isdigit() or len(value) > 18 for value in values):
        return None
    return [int(value) for value in values]


def _bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign several reports at once. Bad input changes nothing: ids or an officer that are not numbers answer
    400, a report outside the user's scope 404, an officer who may not handle the reports 400."""
    ids = _numbers(request.POST.getlist("ids"))
    officer_id = request.POST.get("officer", "")
    officer_ids = _numbers([officer_id]) if officer_id else []
    if ids is None or officer_ids is None or len(ids) > 500:
        return HttpResponseBadRequest(_("The chosen reports or officer are not valid."))
    if not ids:
        messages.error(request, _("Choose at least one report."))
        return redirect(request.get_full_path())
    reports = list(queue.visible(request.user).filter(pk__in=ids))
    if len(reports) != len(set(ids)):
        raise Http404  # one of them is not the user's to see: change nothing
    officer = None
    if officer_ids:
        officer = next((user for user in handlers_of_scope(request.user) if user.pk == officer_ids[0]), None)
        if officer is None:
            return HttpResponseBadRequest(_("The chosen reports or officer are not valid."))
    done, refused = 0, []
    for report in reports:
        try:
            workflow.assign(report, by=request.user, officer=officer)
            done += 1
        except Refused as exc:
            refused.append(f"{report.display_reference}: {exc.message}")
    if done:
        messages.success(request, _("%(n)d report(s) assigned.") % {"n": done})
    for line in refused:
        messages.warning(request, line)
    return redirect(request.get_full_path())


def _detail_context(request, complaint: Complaint, forms_by_name: dict | None = None) -> dict:
    user = request.user
    forms_by_name = forms_by_name or {}
    offered = replies.offered(complaint)
    actions = [
        (action, forms_by_name.get(action.name) or _action_form(action.name, complaint, offered))
        for action in workflow.allowed_actions(user, complaint)
        if action.name in ACTION_FORMS
    ]
    shown = {action.name for action, _form in actions}
    # a form that was refused stays on the page with its message and the text typed into it
    actions += [(workflow.ACTIONS[name], form) for name, form in forms_by_name.items() if name not in shown]
    events = list(complaint.events.select_related("actor", "to_unit", "assignee").order_by("created_at", "pk"))
    attachments: dict[int, list] = {}
    for item in complaint.attachments.all():
        attachments.setdefault(item.event_id, []).append(item)
    return {
        "complaint": complaint,
        "events": events,
        "attachments_by_event": attachments,
        "actions": actions,
        "shows_identity": queue.shows_identity(user, complaint),
        "similar": queue.similar(user, complaint) if complaint.is_open else [],
        "duplicates": list(
            access.scope(user, "complaint.view", duplicates.duplicates_of(complaint.pk)).only(
                "pk", "title", "created_at"
            )
        ),
        "nearby": queue.nearby(user, complaint),
        "nearby_metres": queue.NEARBY_METRES,
        "nearby_days": queue.NEARBY_DAYS,
        "due": sla.current_due(complaint),
        "overdue": sla.is_overdue(complaint),
        "public_attachment_ids": {a.pk for items in public_attachments(complaint).values() for a in items},
    }


def _action_form(name: str, complaint: Complaint, offered: dict, *args, **kwargs):
    form_class = ACTION_FORMS[name]
    templates = offered.get(form_class.reply_purpose, []) if form_class.reply_purpose else None
    return form_class(*args, complaint=complaint, templates=templates, **kwargs)


def _get(request, pk: int) -> Complaint:
    return access.get_for(
        request.user,
        "complaint.view",
        Complaint.objects.select_related("unit", "category", "assigned_to", "duplicate_of", "social_channel"),
        pk=pk,
    )


@staff_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _get(request, pk)
    return render(request, "complaints/staff/detail.html", _detail_context(request, complaint))


@staff_required
@require_POST
def action_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    complaint = _get(request, pk)
    if name not in ACTION_FORMS:
        raise Http404
    if "use_template" in request.POST:
        return _use_template(request, complaint, name)
    form = ACTION_FORMS[name](request.POST, complaint=complaint)
    status = 400
    if form.is_valid():
        try:
            run_action(name, complaint, request.user, form.cleaned_data)
        except Refused as exc:
            if exc.status == 404:
                raise Http404 from None
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("%(action)s: done.") % {"action": workflow.ACTIONS[name].label})
            if access.can(request.user, "complaint.view", Complaint.objects.only("unit_id").get(pk=pk)):
                return redirect("complaints_staff:detail", pk=pk)
            return redirect("complaints_staff:queue")  # forwarded out of the user's scope
    complaint.refresh_from_db()
    context = _detail_context(request, complaint, {name: form})
    context["open_action"] = name
    return render(request, "complaints/staff/detail.html", context, status=status)


def _use_template(request: HttpRequest, complaint: Complaint, name: str) -> HttpResponse:
    """The "use template" button (works without JavaScript): the chosen template, filled for this report, goes
    into the form's message, after whatever was typed there; nothing is sent, the form opens again for editing."""
    if not access.can(request.user, "complaint.handle", complaint):
        raise PermissionDenied
    offered = replies.offered(complaint)
    posted = _action_form(name, complaint, offered, request.POST)
    template = posted.chosen_template(request.POST.get("template", ""))
    values = {key: request.POST.get(key, "") for key in posted.fields if key != "template"}
    form = _action_form(name, complaint, offered, initial=values)
    if template is None:
        form.template_problem = _("Choose one of the templates offered.")
    else:
        typed = values.get("message", "").strip()
        filled = replies.fill(template, complaint)
        form.initial["message"] = f"{typed}\n\n{filled}" if typed else filled
        form.initial["template"] = str(template.pk)
    context = _detail_context(request, complaint, {name: form})
    context["open_action"] = name
    return render(request, "complaints/staff/detail.html", context, status=200 if template else 400)


@staff_required
def intake_view(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, "complaint.handle")
    form = StaffIntakeForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint = intake.submit_complaint(
                    data=form.to_input(),
                    files=form.cleaned_data["attachments"],
                    channel=form.cleaned_data["channel"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error("attachments", exc)
            else:
                # the one time staff see a code: the reporter on the phone or at the desk has no other way to
                # receive it (a reporter with an e-mail address also gets the receipt)
                messages.success(
                    request,
                    _("Report recorded. Give the reporter the tracking code %(code)s.")
                    % {"code": complaint.issued_code},
                )
                if access.can(request.user, "complaint.view", complaint):
                    return redirect("complaints_staff:detail", pk=complaint.pk)
                return redirect("complaints_staff:queue")
    form.prepare_display()
    return render(request, "complaints/staff/intake.html", {"form": form, "files_lost": bool(request.FILES)},
                  status=status)  # fmt: skip


# --- clarification releases -------------------------------------------------------------------------------


def _clarification_release(request: HttpRequest, release_id: int):
    try:
        return clarifications.release_for(request.user, release_id)
    except Refused as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        raise Http404 from None


@staff_required
def clarification_view(request: HttpRequest, release_id: int) -> HttpResponse:
    """Link a release to the reports it answers: search, or every open report of a trending topic."""
    info = _clarification_release(request, release_id)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("unlink"):
                clarifications.unlink(by=request.user, release_id=release_id, complaint_id=_int(request.POST["unlink"]))
                messages.success(request, _("The link was removed."))
            elif request.POST.get("topic"):
                n = clarifications.link_topic(by=request.user, release_id=release_id, label=request.POST["topic"][:200])
                messages.success(request, _("%(n)d report(s) linked.") % {"n": n})
            else:
                ids = [_int(pk) for pk in request.POST.getlist("ids")]
                n = clarifications.link(by=request.user, release_id=release_id, complaint_ids=ids)
                messages.success(request, _("%(n)d report(s) linked.") % {"n": n})
        except Refused as exc:
            if exc.status == 404:
                raise Http404 from None
            messages.error(request, exc.message)
            status = exc.status
        else:
            return redirect(request.get_full_path())
    q = " ".join(request.GET.get("q", "").split())[:200]
    topics = clarifications.topics(request.user)
    return render(
        request,
        "complaints/staff/clarification.html",
        {
            "release": info,
            "linked": clarifications.linked(release_id),
            "q": q,
            "results": clarifications.search(request.user, release_id, q),
            "topics": [(topic, clarifications.topic_reports(request.user, topic.label).count()) for topic in topics],
        },
        status=status,
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def release_clarifications_section(request: HttpRequest, *, release) -> str:
    """The "staff_release_forms" slot on a release's staff page: the reports it clarifies, for its editors."""
    from django.template.loader import render_to_string

    if not access.can(request.user, clarifications.PERMISSION, release.unit_id):
        return ""
    rows = clarifications.linked(release.pk)
    return render_to_string(
        "complaints/staff/_release_clarifications.html",
        {"release_id": release.pk, "linked": rows, "told": sum(1 for row in rows if row.notified_at)},
        request=request,
    )


# --- reply templates ------------------------------------------------------------------------------------------

TEMPLATE_ACTION = "complaint.handle"


def _template_units(request: HttpRequest):
    if not access.has_any(request.user, TEMPLATE_ACTION):
        raise PermissionDenied
    return access.units_for(request.user, TEMPLATE_ACTION)


@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    units = _template_units(request)
    own = ReplyTemplate.objects.filter(unit__in=units).select_related("unit", "category")
    unit_ids = set(units.values_list("pk", flat=True))
    above: set[int] = set()
    for unit in units.exclude(parent_id__in=unit_ids):  # the tops of the user's branches
        above |= set(Unit.objects.ancestors_of(unit).values_list("pk", flat=True)) - unit_ids
    inherited = ReplyTemplate.objects.filter(unit_id__in=above, is_active=True).select_related("unit", "category")
    return render(request, "complaints/staff/templates.html", {"own": own, "inherited": inherited})


def _template_form_page(request: HttpRequest, template: ReplyTemplate | None) -> HttpResponse:
    units = _template_units(request)
    initial = {}
    if template is not None:
        initial = {"unit": template.unit, "category": template.category, "purpose": template.purpose,
                   "name": template.name, "body": template.body, "is_active": template.is_active}  # fmt: skip
    form = ReplyTemplateForm(request.POST or None, units=units, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                replies.save_template(**form.cleaned_data, by=request.user, template=template)
            except Refused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Reply template saved."))
                return redirect("complaints_staff:templates")
    return render(request, "complaints/staff/template_form.html", {"form": form, "template": template}, status=status)


@staff_required
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form_page(request, None)


@staff_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _template_units(request)
    template = access.get_for(request.user, TEMPLATE_ACTION, ReplyTemplate.objects.select_related("unit"), pk=pk)
    return _template_form_page(request, template)


@staff_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _template_units(request)
    template = access.get_for(request.user, TEMPLATE_ACTION, ReplyTemplate.objects.all(), pk=pk)
    replies.delete_template(template, by=request.user)
    messages.success(request, _("Reply template deleted."))
    return redirect("complaints_staff:templates")
