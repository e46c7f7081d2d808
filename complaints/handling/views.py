"""The staff console for complaints: the queue, one report with its actions, recording a report received by
phone or letter, and the queue as a spreadsheet. Views parse and call queue.py (reads) and workflow.py /
intake.py (writes); access comes from humas.access, other units' reports answer 404."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from channels_social.models import SocialChannel
from complaints.handling import queue, sla, workflow
from complaints.models import Channel, Complaint, RejectReason
from complaints.public import intake
from complaints.public.forms import ComplaintForm
from complaints.public.tracking import public_attachments
from humas import access
from humas.errors import Refused
from humas.models import Membership, Role, Unit
from humas.views import staff_required

PAGE_SIZE = 25
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.API)]


# --- action forms ---------------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    request_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        if not self.is_bound:
            self.initial["request_id"] = uuid.uuid4().hex


def _message(label, required=True, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=5000, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3})
    )


PUBLIC_HINT = gettext_lazy("The reporter reads this on the tracking page and by e-mail.")
INTERNAL_HINT = gettext_lazy("Staff only: never shown to the reporter.")


class VerifyForm(ActionForm):
    message = _message(gettext_lazy("Message to the reporter (optional)"), required=False, help_text=PUBLIC_HINT)


class RejectForm(ActionForm):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=RejectReason.choices)
    message = _message(gettext_lazy("Explanation for the reporter"), help_text=PUBLIC_HINT)


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=gettext_lazy("Tracking code or number of the original report"),
        max_length=40,
        help_text=gettext_lazy("The similar reports below offer their numbers."),
    )
    message = _message(gettext_lazy("Message to the reporter (optional)"), required=False, help_text=PUBLIC_HINT)

    def clean_original(self):
        text = self.cleaned_data["original"].strip()
        if text.isdigit():
            return int(text)
        code = intake.normalise_code(text)
        found = Complaint.objects.filter(tracking_code=code).values_list("pk", flat=True).first() if code else None
        if found is None:
            raise forms.ValidationError(_("No report has this code or number."))
        return found


class ForwardForm(ActionForm):
    to_unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), to_field_name="slug")
    note = _message(gettext_lazy("Note for the receiving unit"), required=False, help_text=INTERNAL_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.active().order_by("name")
        if self.complaint is not None:
            units = units.exclude(pk=self.complaint.unit_id)
        self.fields["to_unit"].queryset = units


class AssignForm(ActionForm):
    officer = forms.ModelChoiceField(
        label=gettext_lazy("Officer in charge"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("The unit as a whole"),
    )
    note = _message(gettext_lazy("Internal note (optional)"), required=False, help_text=INTERNAL_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            self.fields["officer"].queryset = handlers_of(self.complaint.unit)


class MessageForm(ActionForm):
    message = _message(gettext_lazy("Message to the reporter"), help_text=PUBLIC_HINT)


class OptionalMessageForm(ActionForm):
    message = _message(gettext_lazy("Message to the reporter (optional)"), required=False, help_text=PUBLIC_HINT)


class NoteForm(ActionForm):
    note = _message(gettext_lazy("Internal note"), help_text=INTERNAL_HINT)


class OptionalNoteForm(ActionForm):
    note = _message(gettext_lazy("Internal note (optional)"), required=False, help_text=INTERNAL_HINT)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "verify": VerifyForm,
    "reject": RejectForm,
    "mark_duplicate": DuplicateForm,
    "forward": ForwardForm,
    "assign": AssignForm,
    "respond": MessageForm,
    "request_info": MessageForm,
    "resume": OptionalNoteForm,
    "add_note": NoteForm,
    "resolve": MessageForm,
    "close": OptionalMessageForm,
    "reopen": MessageForm,
}


def run_action(name: str, complaint, user, data: dict):
    """Call the service of an action with a form's cleaned data (shared by the console and the API)."""
    rid = data.get("request_id") or ""
    common = {"by": user, "request_id": rid}
    if name == "verify":
        return workflow.verify(complaint, message=data.get("message", ""), **common)
    if name == "reject":
        return workflow.reject(complaint, reason=data["reason"], message=data["message"], **common)
    if name == "mark_duplicate":
        return workflow.mark_duplicate(complaint, original=data["original"], message=data.get("message", ""), **common)
    if name == "forward":
        return workflow.forward(complaint, to_unit=data["to_unit"], note=data.get("note", ""), **common)
    if name == "assign":
        return workflow.assign(complaint, officer=data.get("officer"), note=data.get("note", ""), **common)
    if name == "respond":
        return workflow.add_response(complaint, message=data["message"], **common)
    if name == "request_info":
        return workflow.request_information(complaint, message=data["message"], **common)
    if name == "resume":
        return workflow.resume(complaint, note=data.get("note", ""), **common)
    if name == "add_note":
        return workflow.add_internal_note(complaint, note=data["note"], **common)
    if name == "resolve":
        return workflow.resolve(complaint, message=data["message"], **common)
    if name == "close":
        return workflow.close(complaint, message=data.get("message", ""), **common)
    if name == "reopen":
        return workflow.reopen(complaint, message=data["message"], **common)
    raise KeyError(name)


def handlers_of(unit: Unit):
    """Staff who may handle reports of `unit`: officers and admins of it or of a unit above it."""
    above = Unit.objects.ancestors_of(unit)
    user_ids = Membership.objects.filter(unit__in=above, role__in=[Role.OFFICER, Role.ADMIN]).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("first_name", "username")


# --- views ----------------------------------------------------------------------------------------------------


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


def handlers_of_scope(user):
    units = access.units_for(user, "complaint.handle")
    user_ids = Membership.objects.filter(unit__in=units, role__in=[Role.OFFICER, Role.ADMIN]).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("first_name", "username"))


def _bulk_assign(request: HttpRequest) -> HttpResponse:
    try:
        ids = [int(i) for i in request.POST.getlist("ids")]
    except ValueError:
        raise Http404 from None
    if not ids:
        messages.error(request, _("Choose at least one report."))
        return redirect(request.get_full_path())
    reports = list(queue.visible(request.user).filter(pk__in=ids))
    if len(reports) != len(set(ids)):
        raise Http404  # one of them is not the user's to see: change nothing
    officer = None
    if request.POST.get("officer"):
        officer = get_user_model().objects.filter(pk=request.POST["officer"], is_active=True).first()
        if officer is None:
            raise Http404
    done, refused = 0, []
    for report in reports:
        try:
            workflow.assign(report, by=request.user, officer=officer)
            done += 1
        except Refused as exc:
            refused.append(f"{report.display_code}: {exc.message}")
    if done:
        messages.success(request, _("%(n)d report(s) assigned.") % {"n": done})
    for line in refused:
        messages.warning(request, line)
    return redirect(request.get_full_path())


def _detail_context(request, complaint: Complaint, forms_by_name: dict | None = None) -> dict:
    user = request.user
    forms_by_name = forms_by_name or {}
    actions = [
        (action, forms_by_name.get(action.name) or ACTION_FORMS[action.name](complaint=complaint))
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
        "due": sla.current_due(complaint),
        "overdue": sla.is_overdue(complaint),
        "public_attachment_ids": {a.pk for items in public_attachments(complaint).values() for a in items},
    }


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


class StaffIntakeForm(ComplaintForm):
    """A report received by phone, WhatsApp, letter, e-mail, a visit or a social channel, typed in by staff."""

    channel = forms.ChoiceField(label=gettext_lazy("Received through"), choices=STAFF_CHANNELS)
    consent = forms.BooleanField(
        label=gettext_lazy(
            "The reporter agreed that the office processes the data in this report to handle it (Law 27/2022)."
        ),
        error_messages={"required": gettext_lazy("Record the report only with the reporter's consent.")},
    )

    social_channel = forms.ModelChoiceField(
        label=gettext_lazy("Which account"),
        queryset=SocialChannel.objects.none(),
        required=False,
        empty_label=gettext_lazy("— for reports from social media —"),
        help_text=gettext_lazy("The units' accounts that accept complaints in their messages."),
    )

    field_order = ["channel", "social_channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_channel"].queryset = SocialChannel.objects.filter(
            is_active=True, accepts_complaints=True, unit__is_active=True
        ).select_related("unit")
        self.fields["social_channel"].label_from_instance = lambda c: (
            f"{c.get_platform_display()} {c.handle} — {c.unit.display_name}"
        )

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.SOCIAL_MEDIA and not data.get("social_channel"):
            self.add_error("social_channel", _("Choose the account the report came through."))
        if data.get("social_channel") and data.get("channel") != Channel.SOCIAL_MEDIA:
            self.add_error("channel", _("A report through a social account is received through social media."))
        return data

    def to_input(self):
        data = super().to_input()
        data.social_channel = self.cleaned_data.get("social_channel")
        return data


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
                messages.success(
                    request,
                    _("Report recorded. Give the reporter the tracking code %(code)s.")
                    % {"code": complaint.display_code},
                )
                if access.can(request.user, "complaint.view", complaint):
                    return redirect("complaints_staff:detail", pk=complaint.pk)
                return redirect("complaints_staff:queue")
    form.prepare_display()
    return render(request, "complaints/staff/intake.html", {"form": form, "files_lost": bool(request.FILES)},
                  status=status)  # fmt: skip
