"""The staff console's forms: one form per workflow action (ACTION_FORMS) and `run_action`, which calls the
action's service with the form's cleaned data (the console and the staff API both use them), and the form that
records a report received by phone, letter, WhatsApp… (StaffIntakeForm)."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels_social.models import SocialChannel
from complaints.handling import replies, workflow
from complaints.models import Category, Channel, RejectReason, ReplyPurpose
from complaints.public import intake
from complaints.public.forms import ComplaintForm
from humas.models import Membership, Role, Unit

STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.API)]


# --- action forms ---------------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    request_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    reply_purpose: str | None = None  # set on the forms whose message a reply template may start

    def __init__(self, *args, complaint=None, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        if not self.is_bound:
            self.initial["request_id"] = uuid.uuid4().hex
        self.templates: list = []
        if self.reply_purpose and complaint is not None:
            if templates is None:
                templates = list(replies.templates_for(complaint, self.reply_purpose))
            self.templates = list(templates)
        if self.templates:
            self.fields["template"] = forms.ChoiceField(
                label=gettext_lazy("Reply template"),
                required=False,
                choices=[("", gettext_lazy("— start from a template —")), *((t.pk, _template_label(t, complaint))
                                                                            for t in self.templates)],
                help_text=gettext_lazy("Fills the message below with the template's text, which you then edit."),
            )  # fmt: skip
            self.order_fields(["template"])

    def filled_templates(self) -> list[tuple[int, str]]:
        """(template id, its text filled for this report): for the page's script, which fills the message
        at once instead of asking the server."""
        return [(t.pk, replies.fill(t, self.complaint)) for t in self.templates]

    def chosen_template(self, value: str):
        """The offered template with primary key `value`, or None."""
        return next((t for t in self.templates if str(t.pk) == str(value)), None)


def _template_label(template, complaint) -> str:
    label = template.name
    if template.category_id:
        label += f" · {template.category.name}"
    if template.unit_id != complaint.unit_id:
        label += f" ({template.unit.name})"
    return label


def _message(label, required=True, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=5000, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3})
    )


PUBLIC_HINT = gettext_lazy("The reporter reads this on the tracking page and by e-mail.")
INTERNAL_HINT = gettext_lazy("Staff only: never shown to the reporter.")


class VerifyForm(ActionForm):
    message = _message(gettext_lazy("Message to the reporter (optional)"), required=False, help_text=PUBLIC_HINT)


class RejectForm(ActionForm):
    reply_purpose = ReplyPurpose.REJECTION
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=RejectReason.choices)
    message = _message(gettext_lazy("Explanation for the reporter"), help_text=PUBLIC_HINT)


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=gettext_lazy("Reference of the original report"),
        max_length=40,
        help_text=gettext_lazy("As shown in the queue, e.g. #2026-000123. The similar reports below offer theirs."),
    )
    message = _message(gettext_lazy("Message to the reporter (optional)"), required=False, help_text=PUBLIC_HINT)

    def clean_original(self):
        """A reference ('#2026-000123'), never a tracking code: staff do not hold reporters' codes. Whether
        the original is a report the user may see is the workflow's check (404 otherwise). Bare digits are the
        report's id, as in the console's and the staff API's addresses."""
        text = self.cleaned_data["original"].strip()
        if text.isdigit() and len(text) < 10:
            return int(text)
        found = intake.by_reference(text).values_list("pk", flat=True).first()
        if found is None:
            raise forms.ValidationError(_("No report has this reference."))
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


class RespondForm(MessageForm):
    reply_purpose = ReplyPurpose.RESPONSE


class RequestInfoForm(MessageForm):
    reply_purpose = ReplyPurpose.REQUEST_INFO


class ResolveForm(MessageForm):
    reply_purpose = ReplyPurpose.RESOLUTION


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
    "respond": RespondForm,
    "request_info": RequestInfoForm,
    "resume": OptionalNoteForm,
    "add_note": NoteForm,
    "resolve": ResolveForm,
    "close": OptionalMessageForm,
    "reopen": MessageForm,
    "split_duplicate": OptionalMessageForm,
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
    if name == "split_duplicate":
        return workflow.split_duplicate(complaint, message=data.get("message", ""), **common)
    raise KeyError(name)


class ReplyTemplateForm(forms.Form):
    """A reply template as staff write it in the console (the service, replies.save_template, checks again)."""

    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), to_field_name="slug")
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every category"),
        help_text=gettext_lazy("Only for reports of this category (one of the chosen unit's)."),
    )
    purpose = forms.ChoiceField(label=gettext_lazy("Used for"), choices=ReplyPurpose.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Placeholders: {nama_pelapor} the reporter's name as they allowed it, {referensi} the report's "
            "reference, {unit} the handling unit, {tenggat} the next deadline."
        ),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Offered to officers"), required=False, initial=True)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("name")
        self.fields["category"].queryset = Category.objects.filter(unit__in=units, is_active=True).select_related(
            "unit"
        )
        self.fields["category"].label_from_instance = lambda c: f"{c.name} ({c.unit.name})"

    def clean_body(self):
        body = self.cleaned_data["body"]
        found = replies.problems(body)
        if found:
            raise forms.ValidationError(found)
        return body

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("unit") and data["category"].unit_id != data["unit"].pk:
            self.add_error("category", _("Choose a category of the template's own unit."))
        return data


def handlers_in(units):
    """Active officers and admins with a membership in one of `units`, by name."""
    user_ids = Membership.objects.filter(unit__in=units, role__in=[Role.OFFICER, Role.ADMIN]).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("first_name", "username")


def handlers_of(unit: Unit):
    """Staff who may handle reports of `unit`: officers and admins of it or of a unit above it."""
    return handlers_in(Unit.objects.ancestors_of(unit))


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
