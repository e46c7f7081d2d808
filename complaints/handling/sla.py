"""Working-day deadlines (SP4N-LAPOR!): verify within 3 working days of filing, a first answer within 5, a
resolution within the category's tier (5 / 14 / 60) counted from verification; a resolved report closes
after 10 working days without word from the reporter. Waiting for the reporter pauses the clock."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint, Status
from humas import dates

VERIFY_DAYS = 3
FIRST_RESPONSE_DAYS = 5
DEFAULT_RESOLUTION_DAYS = 14
AUTO_CLOSE_DAYS = 10
HANDLING = (Status.VERIFIED, Status.IN_PROGRESS)


def resolution_days(complaint: Complaint) -> int:
    return complaint.category.resolution_days if complaint.category_id else DEFAULT_RESOLUTION_DAYS


def current_due(complaint: Complaint) -> datetime | None:
    """The next deadline the unit must meet, or None (paused, finished)."""
    if complaint.status == Status.NEW:
        return complaint.verification_due_at
    if complaint.status in HANDLING:
        candidates = [complaint.resolution_due_at]
        if complaint.first_response_at is None:
            candidates.append(complaint.response_due_at)
        candidates = [c for c in candidates if c is not None]
        return min(candidates) if candidates else None
    return None


def is_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    due = current_due(complaint)
    return due is not None and due < (now or timezone.now())


def soon_limit(now: datetime | None = None) -> datetime:
    """Due 'soon' means by the end of the next working day."""
    return dates.deadline(now or timezone.now(), 1)


def is_due_soon(complaint: Complaint, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    due = current_due(complaint)
    return due is not None and now <= due <= soon_limit(now)


def _due_before(limit: datetime, after: datetime | None = None) -> Q:
    def window(field: str) -> dict:
        return {f"{field}__lt": limit} if after is None else {f"{field}__gte": after, f"{field}__lte": limit}

    return (
        Q(status=Status.NEW, **window("verification_due_at"))
        | Q(status__in=HANDLING, first_response_at__isnull=True, **window("response_due_at"))
        | Q(status__in=HANDLING, **window("resolution_due_at"))
    )


def overdue_q(now: datetime | None = None) -> Q:
    return _due_before(now or timezone.now())


def due_soon_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return _due_before(soon_limit(now), after=now) & ~overdue_q(now)


def set_resolution_due(complaint: Complaint, start: datetime) -> None:
    """At verification: the resolution deadline by the category's tier, in the unit's calendar."""
    complaint.resolution_due_at = dates.deadline(start, resolution_days(complaint), complaint.unit.time_zone)


def extend_for_pause(
    complaint: Complaint,
    *,
    paused_from: datetime,
    until: datetime,
    fields: tuple[str, ...] = ("response_due_at", "resolution_due_at"),
) -> None:
    """Waiting for the reporter stops the clock: push the open deadlines by the working days it lasted."""
    tz = complaint.unit.time_zone
    start, end = dates.to_local(paused_from, tz).date(), dates.to_local(until, tz).date()
    paused = dates.working_days_between(start, end)
    if paused <= 0:
        return
    for field in fields:
        due = getattr(complaint, field)
        if due is not None:
            local = dates.to_local(due, tz)
            moved = dates.add_working_days(local.date(), paused)
            setattr(complaint, field, local.replace(year=moved.year, month=moved.month, day=moved.day))


def resume_clock(complaint: Complaint, *, paused_from: datetime, until: datetime, status: str) -> None:
    """A duplicate split off again gets its own clock back: the deadlines of the status it returns to
    (verification for a new report, first answer and resolution once verified) move by the working days it
    spent as a duplicate, as a pause for the reporter would."""
    fields = ("verification_due_at",) if status == Status.NEW else ("response_due_at", "resolution_due_at")
    extend_for_pause(complaint, paused_from=paused_from, until=until, fields=fields)


def auto_close_after(complaint: Complaint) -> datetime | None:
    if complaint.resolved_at is None:
        return None
    return dates.deadline(complaint.resolved_at, AUTO_CLOSE_DAYS, complaint.unit.time_zone)
