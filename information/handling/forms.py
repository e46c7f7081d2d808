"""The staff's forms: one per workflow step (validating what the step's service checks again, locked) and
the public information list's item."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from humas.errors import Refused
from humas.forms import DayPicker, YearsAround
from humas.uploads import MB
from information.handling import workflow
from information.models import DECISIONS, Exemption, InformationClass, ListItem, Status
from information.public.forms import RequestForm


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the requester in writing. The law allows one extension of 7 working days."),
    )


class SignedForm(forms.Form):
    signer_name = forms.CharField(label=_("Signed by (name)"), max_length=120)
    signer_position = forms.CharField(label=_("Position"), max_length=160)

    def __init__(self, *args, info_request=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.is_bound:
            self.initial.setdefault("signer_name", user.get_full_name() or user.username)
        if info_request is not None and not self.is_bound:
            self.initial.setdefault("signer_position", self.default_position(info_request))

    def default_position(self, info_request) -> str:
        return f"PPID {info_request.unit.name}"


class DecideForm(SignedForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=[(s, Status(s).label) for s in DECISIONS], widget=forms.RadioSelect
    )
    decision_text = forms.CharField(
        label=_("Text of the decision letter"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    exemption = forms.ChoiceField(
        label=_("Exemption ground (Pasal 17)"), choices=[("", _("— none —")), *Exemption.choices], required=False
    )
    consequence_test = forms.CharField(
        label=_("Consequence test"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a refusal: the harm that disclosing this information would cause, and why it outweighs the "
            "public interest."
        ),
    )  # fmt: skip
    access_details = forms.CharField(label=_("Where and when to view or collect it"), required=False, max_length=300)
    cost = forms.DecimalField(
        label=_("Cost of copies (Rp)"), required=False, min_value=0, max_digits=12, decimal_places=0
    )
    forward_to = forms.CharField(label=_("Public body that holds the information"), required=False, max_length=200)
    answer_file = forms.FileField(label=_("The information (file)"), required=False)

    FIELD_OF_CODE = {"no_ground": "exemption", "no_consequence_test": "consequence_test", "no_body": "forward_to"}

    def clean_answer_file(self):
        upload = self.cleaned_data.get("answer_file")
        if upload is not None and upload.size > 20 * MB:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            workflow.check_decision(self.decision())
        except Refused as exc:
            self.add_error(self.FIELD_OF_CODE.get(exc.code), exc.message)
        return data

    def decision(self) -> workflow.Decision:
        d = self.cleaned_data
        return workflow.Decision(
            outcome=d.get("outcome", ""), decision_text=d.get("decision_text", ""),
            signer_name=d.get("signer_name", ""), signer_position=d.get("signer_position", ""),
            exemption=d.get("exemption", ""), consequence_test=d.get("consequence_test", ""),
            access_details=d.get("access_details", ""), cost=d.get("cost"), forward_to=d.get("forward_to", ""),
            answer_file=d.get("answer_file"),
        )  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Internal note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionAnswerForm(SignedForm):
    outcome = forms.ChoiceField(
        label=_("Answer"),
        choices=[("upheld", _("Upheld — the PPID must provide the information")), ("rejected", _("Rejected"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer and its reasons"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def default_position(self, info_request) -> str:
        return f"Atasan PPID {info_request.unit.name}"


class DisputeForm(forms.Form):
    filed_on = forms.DateField(
        label=_("Registered at the Information Commission on"), widget=DayPicker(years=YearsAround(back=2, ahead=0))
    )


ACTION_FORMS = {
    "extend": ExtendForm,
    "decide": DecideForm,
    "note": NoteForm,
    "answer_objection": ObjectionAnswerForm,
    "record_dispute": DisputeForm,
}


def build_form(name: str, info_request, user, data=None, files=None):
    form_class = ACTION_FORMS[name]
    if issubclass(form_class, SignedForm):
        return form_class(data, files, info_request=info_request, user=user)
    return form_class(data, files)


def run_action(name: str, info_request, user, form) -> None:
    data = form.cleaned_data
    if name == "extend":
        workflow.extend(info_request, by=user, reason=data["reason"])
    elif name == "decide":
        workflow.decide(info_request, by=user, decision=form.decision())
    elif name == "note":
        workflow.add_note(info_request, by=user, note=data["note"])
    elif name == "answer_objection":
        workflow.answer_objection(
            info_request, by=user, upheld=data["outcome"] == "upheld", answer=data["answer"],
            signer_name=data["signer_name"], signer_position=data["signer_position"],
        )  # fmt: skip
    elif name == "record_dispute":
        workflow.record_dispute(info_request, by=user, filed_on=data["filed_on"])


class ListItemForm(forms.ModelForm):
    url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = ListItem
        fields = [
            "unit", "title", "summary", "info_class", "exemption", "retention", "responsible", "form", "year",
            "url", "file", "is_active",
        ]  # fmt: skip
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units.order_by("name")
        self.fields["exemption"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and getattr(upload, "size", 0) > 20 * MB:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("info_class") == InformationClass.EXEMPT:
            if not data.get("exemption"):
                self.add_error("exemption", _("An exempt item names its ground from Pasal 17."))
            if not data.get("retention"):
                self.add_error("retention", _("Say how long the item stays exempt."))
            if data.get("file") or data.get("url"):
                self.add_error("file", _("An exempt item is not published: leave the link and the file empty."))
        else:
            data["exemption"] = ""
        return data


class StaffRequestForm(RequestForm):
    """A request received by letter, in person or by phone, recorded by the PPID of one of their units."""

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units.order_by("name")
        self.fields["consent"].label = _(
            "The requester agreed that the office processes their data only to answer this request (Law 27/2022)."
        )
