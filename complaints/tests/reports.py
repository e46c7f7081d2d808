"""Helpers for the recap and dashboard tests: file a report at a known moment through the real intake
service (so the per-day counts are kept as in production) and walk it to a status through workflow.move."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

from django.utils import timezone

from complaints.handling import workflow
from complaints.models import Complaint, EventKind, Status
from complaints.public import intake

PATHS = {
    Status.NEW: [],
    Status.VERIFIED: [(Status.VERIFIED, EventKind.VERIFIED)],
    Status.REJECTED: [(Status.REJECTED, EventKind.REJECTED)],
    Status.IN_PROGRESS: [(Status.VERIFIED, EventKind.VERIFIED), (Status.IN_PROGRESS, EventKind.ASSIGNED)],
    Status.WAITING_REPORTER: [
        (Status.VERIFIED, EventKind.VERIFIED),
        (Status.IN_PROGRESS, EventKind.ASSIGNED),
        (Status.WAITING_REPORTER, EventKind.WAITING_REPORTER),
    ],
    Status.RESOLVED: [
        (Status.VERIFIED, EventKind.VERIFIED),
        (Status.IN_PROGRESS, EventKind.ASSIGNED),
        (Status.RESOLVED, EventKind.RESOLVED),
    ],
    Status.CLOSED: [
        (Status.VERIFIED, EventKind.VERIFIED),
        (Status.IN_PROGRESS, EventKind.ASSIGNED),
        (Status.RESOLVED, EventKind.RESOLVED),
        (Status.CLOSED, EventKind.CLOSED),
    ],
}


def file_report(unit, *, at: datetime, kind: str = "complaint", status: str = Status.NEW, **last_changes) -> Complaint:
    """A report filed at `at` (an aware datetime) for `unit`, then moved to `status`; `last_changes` are
    fields set by the last move (e.g. rating=4)."""
    with mock.patch.object(timezone, "now", return_value=at):
        complaint = intake.submit_complaint(
            data=intake.ComplaintInput(
                kind=kind,
                title=f"Laporan {kind} {at:%Y-%m-%d %H:%M}",
                description="Uraian laporan yang cukup panjang untuk lolos validasi.",
                unit=unit,
                identity_mode="anonymous",
                consent=True,
            ),
            files=[],
        )
    steps = PATHS[Status(status)]
    for index, (to_status, event_kind) in enumerate(steps):
        changes = last_changes if index == len(steps) - 1 else {}
        workflow.move(workflow.locked(complaint), to_status=to_status, event_kind=event_kind, **changes)
    return Complaint.objects.get(pk=complaint.pk)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
