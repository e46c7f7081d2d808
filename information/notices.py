"""The written notices (surat pemberitahuan) of a request: the extension, the decision and the answer to the
objection, each a printable page (print stylesheet) signed by the PPID's or the atasan PPID's name and
position. The same page serves the requester (tracking session) and the staff."""

from __future__ import annotations

from django.http import Http404

from humas import dates
from information import clock
from information.handling.workflow import objection_of
from information.models import InformationRequest, ObjectionStatus

KINDS = ("perpanjangan", "keputusan", "keberatan")


def available(info_request: InformationRequest) -> list[str]:
    found = []
    if info_request.extended_at is not None:
        found.append("perpanjangan")
    if info_request.decided_at is not None:
        found.append("keputusan")
    objection = objection_of(info_request)
    if objection is not None and objection.status != ObjectionStatus.FILED:
        found.append("keberatan")
    return found


def notice_context(info_request: InformationRequest, kind: str) -> dict:
    if kind not in available(info_request):
        raise Http404
    tz = info_request.unit.time_zone
    objection = objection_of(info_request)
    context = {
        "info_request": info_request,
        "unit": info_request.unit,
        "kind": kind,
        "objection": objection,
        "registered": dates.format_datetime(info_request.registered_at, tz),
        "due": dates.format_datetime(info_request.due_at, tz),
    }
    if kind == "perpanjangan":
        context["dated"] = dates.format_date(dates.to_local(info_request.extended_at, tz), weekday=False)
    elif kind == "keputusan":
        context["dated"] = dates.format_date(dates.to_local(info_request.decided_at, tz), weekday=False)
        closes = clock.objection_closes(info_request)
        context["objection_closes"] = dates.format_datetime(closes, tz) if closes else ""
    else:
        context["dated"] = dates.format_date(dates.to_local(objection.answered_at, tz), weekday=False)
        context["commission_deadline"] = dates.format_datetime(objection.commission_deadline, tz)
    return context
