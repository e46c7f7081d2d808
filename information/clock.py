"""The legal clock of UU 14/2008, in working days of the request's unit (weekends, national holidays and
cuti bersama skipped, in the unit's time zone, through humas.dates):

- a written answer within 10 working days of registration (Pasal 22(7));
- one extension of 7 working days, with written notice and a reason (Pasal 22(8));
- an objection within 30 working days of its cause — the decision, or the answer period passing without one
  (Pasal 36(1));
- the atasan PPID answers it within 30 working days (Pasal 36(2));
- then a dispute may go to the Information Commission within 14 working days (Pasal 37(2)).

A deadline falls at 23:59:59 of its working day in the unit's zone; the day the clock starts is not counted.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from humas import dates

ANSWER_DAYS = 10
EXTENSION_DAYS = 7
OBJECTION_WINDOW_DAYS = 30
OBJECTION_ANSWER_DAYS = 30
COMMISSION_DAYS = 14


def answer_due(registered_at: datetime, tz_name: str) -> datetime:
    return dates.deadline(registered_at, ANSWER_DAYS, tz_name)


def extended_due(due_at: datetime, tz_name: str) -> datetime:
    """The extension adds 7 working days after the original due day."""
    local = dates.to_local(due_at, tz_name).date()
    day = dates.add_working_days(local, EXTENSION_DAYS)
    return datetime.combine(day, time(23, 59, 59), tzinfo=dates.zone(tz_name))


def objection_cause(request) -> datetime | None:
    """When the objection window opened: the decision, or the answer period passing without one."""
    if request.decided_at is not None:
        return request.decided_at
    if request.due_at is not None and request.due_at < timezone.now():
        return request.due_at
    return None


def objection_closes(request) -> datetime | None:
    cause = objection_cause(request)
    if cause is None:
        return None
    return dates.deadline(cause, OBJECTION_WINDOW_DAYS, request.unit.time_zone)


def objection_due(filed_at: datetime, tz_name: str) -> datetime:
    return dates.deadline(filed_at, OBJECTION_ANSWER_DAYS, tz_name)


def commission_deadline(answered_at: datetime, tz_name: str) -> datetime:
    return dates.deadline(answered_at, COMMISSION_DAYS, tz_name)


def is_overdue(request, now: datetime | None = None) -> bool:
    return request.is_open and request.due_at < (now or timezone.now())


def working_days_taken(start: datetime, end: datetime, tz_name: str) -> int:
    """Working days from `start` to `end` in the unit's calendar (0 when answered the same day)."""
    return max(
        0, dates.working_days_between(dates.to_local(start, tz_name).date(), dates.to_local(end, tz_name).date())
    )
