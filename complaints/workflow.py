"""The complaint's states and the one table of allowed moves. Every move writes an immutable event.

This module holds the table, the single internal door `move()` that every action goes through, and the
reporter's own actions (rate a resolution, object to it). The staff actions (verify, reject, forward,
assign, respond, resolve, close) are built on `move()` by the complaint-handling work.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import dates
from humas.errors import Refused

from . import recap
from .models import Complaint, ComplaintEvent, EventKind, Status

S = Status

# from status -> the statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.VERIFIED, S.REJECTED}),
    S.VERIFIED: frozenset({S.IN_PROGRESS, S.REJECTED, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.WAITING_REPORTER, S.RESOLVED}),
    S.WAITING_REPORTER: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.REJECTED: frozenset(),
    S.CLOSED: frozenset(),
}

OBJECTION_WINDOW_DAYS = 10  # working days after resolution


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def move(
    complaint: Complaint,
    *,
    to_status: str,
    event_kind: str,
    actor: Any = None,
    by_reporter: bool = False,
    public_message: str = "",
    internal_note: str = "",
    **changes: Any,
) -> ComplaintEvent:
    """Change the status (checked against TRANSITIONS) and write the event. Must run inside a transaction
    that has locked the complaint row (see `locked`)."""
    from_status = complaint.status
    if not may_move(from_status, to_status):
        raise Refused(
            _("A report that is %(from)s cannot become %(to)s.")
            % {"from": Status(from_status).label.lower(), "to": Status(to_status).label.lower()},
            code="bad_transition",
            status=409,
        )
    now = timezone.now()
    complaint.status = to_status
    if to_status == S.RESOLVED:
        complaint.resolved_at = now
    if to_status == S.CLOSED:
        complaint.closed_at = now
    for field, value in changes.items():
        setattr(complaint, field, value)
    complaint.save(update_fields=["status", "resolved_at", "closed_at", "updated_at", *changes])
    recap.count_status(complaint, from_status, to_status)
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=event_kind,
        actor=actor if not by_reporter else None,
        by_reporter=by_reporter,
        public_message=public_message,
        internal_note=internal_note,
        from_status=from_status,
        to_status=to_status,
    )


def locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("unit").get(pk=complaint.pk)


def objection_deadline(complaint: Complaint):
    if complaint.resolved_at is None:
        return None
    return dates.deadline(complaint.resolved_at, OBJECTION_WINDOW_DAYS, complaint.unit.time_zone)


@transaction.atomic
def rate(complaint: Complaint, *, score: int, comment: str = "") -> ComplaintEvent:
    """The reporter rates a resolved report (1–5 and a comment); that closes it."""
    complaint = locked(complaint)
    if complaint.status != S.RESOLVED:
        raise Refused(_("Only a resolved report can be rated."), code="not_resolved", status=409)
    if not 1 <= int(score) <= 5:
        raise Refused(_("Choose a rating from 1 to 5."), code="bad_rating")
    return move(
        complaint,
        to_status=S.CLOSED,
        event_kind=EventKind.RATED,
        by_reporter=True,
        public_message=comment.strip(),
        rating=int(score),
        rating_comment=comment.strip(),
        rated_at=timezone.now(),
    )


@transaction.atomic
def object_to_resolution(complaint: Complaint, *, reason: str) -> ComplaintEvent:
    """The reporter disagrees with the resolution within 10 working days: the report goes back to work."""
    complaint = locked(complaint)
    if complaint.status != S.RESOLVED:
        raise Refused(_("Only a resolved report can be objected to."), code="not_resolved", status=409)
    deadline = objection_deadline(complaint)
    if deadline is not None and timezone.now() > deadline:
        raise Refused(
            _("The 10 working days to object have passed. You can file a new report instead."),
            code="objection_too_late",
            status=409,
        )
    if not reason.strip():
        raise Refused(_("Say why the resolution does not settle your report."), code="empty")
    return move(
        complaint,
        to_status=S.IN_PROGRESS,
        event_kind=EventKind.OBJECTED,
        by_reporter=True,
        public_message=reason.strip(),
        reopen_count=complaint.reopen_count + 1,
    )
