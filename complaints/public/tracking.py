"""What the reporter sees of their report when they track it: the public part of the history, never an
internal note, never who they are. Also the small forms of the tracking page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.public.forms import MultipleFileField

# events the reporter (and the API's tracking view) may see; ASSIGNED and NOTE are internal
PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.SUBMITTED, EventKind.INFO_ADDED, EventKind.VERIFIED, EventKind.REJECTED, EventKind.FORWARDED,
        EventKind.RESPONSE, EventKind.WAITING_REPORTER, EventKind.RESOLVED, EventKind.RATED, EventKind.OBJECTED,
        EventKind.CLOSED, EventKind.DUPLICATE, EventKind.SPLIT, EventKind.CLARIFICATION,
    }
)  # fmt: skip


def public_events(complaint: Complaint) -> list[ComplaintEvent]:
    return list(
        complaint.events.filter(kind__in=PUBLIC_EVENT_KINDS)
        .only("pk", "complaint_id", "kind", "by_reporter", "public_message", "from_status", "to_status", "created_at")
        .order_by("created_at", "pk")
    )


def public_attachments(complaint: Complaint) -> dict[int, list]:
    """Attachments of the public events, by event id."""
    grouped: dict[int, list] = {}
    for item in complaint.attachments.filter(event__kind__in=PUBLIC_EVENT_KINDS).order_by("created_at", "pk"):
        grouped.setdefault(item.event_id, []).append(item)
    return grouped


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
        help_text=_("As on your receipt, e.g. ADU-7KQ2-M9XD-4TNP. Capitals and dashes do not matter."),
    )


class AddInformationForm(forms.Form):
    message = forms.CharField(
        label=_("Additional information"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Up to 5 files: JPEG, PNG, WebP or PDF, at most 10 MB each."),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well was your report handled?"),
        choices=[(5, _("5 — very good")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — very poor"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the resolution not settle your report?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
