"""The PPID's share of humas.retention (UU 27/2022): RETENTION_DAYS_INFORMATION_REQUEST days after a request
is finished, the requester's identity is erased — name, NIK, organisation, address, phone, e-mail and the
legal-entity document (its file is deleted) — and the e-mails sent about it (which name the address) go. The
request, its history, its decision, its objection, its registration number and the statistics stay.

When is a request finished? Not when it is decided: the requester may still object (UU 14/2008 Pasal 36) and
then take a dispute to the Information Commission (Pasal 37), and each step needs to know who they are. So the
term starts at the last moment the law leaves the requester a step:

- decided, no objection: when the objection window (30 working days after the decision) closes;
- objection answered, no dispute: when the 14 working days for a dispute (`commission_deadline`) end;
- a dispute registered at the Commission: the day it was registered (the portal records no outcome; the term,
  two years by default, is far past the Commission's 100 working days to settle it).

A request still open, or with an objection awaiting its answer, is never touched."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import get_private_storage  # the storage of the legal documents (models.py does the same)
from humas import dates, retention
from humas.models import OutboxEmail

from . import clock
from .handling.workflow import objection_of
from .models import DECISIONS, InformationRequest, ObjectionStatus, RequestEvent

SETTING = "RETENTION_DAYS_INFORMATION_REQUEST"


def finished_at(info_request: InformationRequest) -> datetime | None:
    """The moment the request was finished (see the module's text); None while the requester may still act."""
    if info_request.status not in DECISIONS or info_request.decided_at is None:
        return None
    objection = objection_of(info_request)
    if objection is None:
        return clock.objection_closes(info_request)
    if objection.status == ObjectionStatus.FILED:
        return None
    if objection.dispute_filed_on is not None:
        zone = dates.zone(info_request.unit.time_zone)
        return datetime.combine(objection.dispute_filed_on, time(23, 59, 59), tzinfo=zone)
    return objection.commission_deadline


def candidates(now: datetime):
    """Requests that may be past the term (decided before the cutoff, not erased, no objection waiting);
    `finished_at` decides."""
    before = retention.cutoff(SETTING, now)
    return (
        InformationRequest.objects.filter(status__in=DECISIONS, decided_at__lt=before, anonymised_at__isnull=True)
        .exclude(objection__status=ObjectionStatus.FILED)
        .filter(
            Q(objection__isnull=True)
            | Q(objection__dispute_filed_on__lt=before.date())
            | Q(objection__dispute_filed_on__isnull=True, objection__commission_deadline__lt=before)
        )
    )


def past_term(now: datetime) -> list[int]:
    before = retention.cutoff(SETTING, now)
    found = []
    for info_request in candidates(now).select_related("unit", "objection").order_by("pk"):
        ended = finished_at(info_request)
        if ended is not None and ended < before:
            found.append(info_request.pk)
    return found


@transaction.atomic
def erase(request_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Erase the requester's data of these requests (those not erased yet). Returns how many were. The
    legal-entity documents' files are deleted once the transaction commits."""
    now = now or timezone.now()
    rows = list(
        InformationRequest.objects.select_for_update()
        .filter(pk__in=list(request_ids), anonymised_at__isnull=True)
        .values_list("pk", "legal_document")
    )
    if not rows:
        return 0
    ids = [pk for pk, _doc in rows]
    files = [name for _pk, name in rows if name]
    InformationRequest.objects.filter(pk__in=ids).update(
        name="", nik="", organisation="", legal_document="", address="", phone="", email="",
        anonymised_at=now, updated_at=now,
    )  # fmt: skip
    event_ids = RequestEvent.objects.filter(request_id__in=ids).values_list("pk", flat=True)
    keys = [f"information-receipt:{pk}" for pk in ids] + [f"information-update:{pk}" for pk in event_ids]
    OutboxEmail.objects.filter(key__in=keys).delete()
    if files:
        storage = get_private_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return len(ids)


def purge(now: datetime) -> int:
    """The humas.retention entry: every request past its term, a thousand at a time."""
    ids = past_term(now)
    done = 0
    for start in range(0, len(ids), 1000):
        done += erase(ids[start : start + 1000], now=now)
    return done


def export(info_request: InformationRequest) -> dict:
    """What the portal holds about a request, for its requester (the right of access): the request, the identity
    they gave (the legal document by name only), the public history, the decision and the objection. Staff
    notes and staff names are the PPID's working papers, not the requester's data, and are left out."""
    from information.public.timeline import public_events

    def when(value) -> str | None:
        return value.isoformat() if value else None

    objection = objection_of(info_request)
    return {
        "number": info_request.number,
        "unit": info_request.unit.name,
        "channel": info_request.channel,
        "registered_at": when(info_request.registered_at),
        "status": info_request.status,
        "requester": {
            "kind": info_request.requester_kind,
            "name": info_request.name,
            "nik": info_request.nik,
            "organisation": info_request.organisation,
            "legal_document": bool(info_request.legal_document),
            "address": info_request.address,
            "phone": info_request.phone,
            "email": info_request.email,
            "consent_given_at": when(info_request.consent_at),
            "language": info_request.language,
            "erased_at": when(info_request.anonymised_at),
        },
        "request": {
            "information": info_request.information,
            "purpose": info_request.purpose,
            "obtain_method": info_request.obtain_method,
            "delivery_method": info_request.delivery_method,
            "list_item": info_request.list_item.title if info_request.list_item_id else None,
        },
        "decision": {
            "decided_at": when(info_request.decided_at),
            "exemption": info_request.exemption,
            "text": info_request.decision_text,
            "access_details": info_request.access_details,
            "cost": str(info_request.cost) if info_request.cost is not None else None,
            "forward_to": info_request.forward_to,
        }
        if info_request.decided_at
        else None,
        "objection": {
            "filed_at": when(objection.filed_at),
            "grounds": objection.grounds,
            "reason": objection.reason,
            "status": objection.status,
            "answer": objection.answer,
            "answered_at": when(objection.answered_at),
            "dispute_filed_on": when(objection.dispute_filed_on),
        }
        if objection
        else None,
        "history": [
            {
                "at": when(event.created_at),
                "kind": event.kind,
                "by_requester": event.by_requester,
                "message": event.public_message,
                "status": event.status,
            }
            for event in public_events(info_request)
        ],
    }
