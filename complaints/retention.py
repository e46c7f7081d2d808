"""The complaints' share of humas.retention (UU 27/2022): RETENTION_DAYS_<KIND> days after a report was
closed (or rejected), the reporter's name, e-mail and phone are erased; the report, its history, its public
answer and the statistics stay. Attachments lose the file name the reporter gave them (names like
"KTP_Sari_Dewi.jpg" identify), and the e-mails sent about the report (which name the address) go. A reporter
may ask for this earlier from the tracking page (`request_erasure`); an admin confirms it (`erase`, the
complaint admin's action). The portal has no field for an identity number: nothing more to erase."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import retention
from humas.errors import Refused
from humas.models import OutboxEmail

from .models import Attachment, Complaint, ComplaintEvent, Kind, Status

TERMS = {
    Kind.COMPLAINT: "RETENTION_DAYS_COMPLAINT",
    Kind.ASPIRATION: "RETENTION_DAYS_ASPIRATION",
    Kind.INFORMATION_REQUEST: "RETENTION_DAYS_INFORMATION_REQUEST",
}


def past_term(now: datetime):
    """Reports whose term ran out and whose reporter's data is still there."""
    ended = Q()
    for kind, setting in TERMS.items():
        before = retention.cutoff(setting, now)
        ended |= Q(kind=kind) & (
            Q(status=Status.CLOSED, closed_at__lt=before) | Q(status=Status.REJECTED, updated_at__lt=before)
        )
    return Complaint.objects.filter(ended, anonymised_at__isnull=True)


@transaction.atomic
def erase(complaint_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Erase the reporter's data of these reports (those not erased yet). Returns how many were."""
    now = now or timezone.now()
    ids = list(
        Complaint.objects.select_for_update()
        .filter(pk__in=list(complaint_ids), anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Complaint.objects.filter(pk__in=ids).update(
        reporter_name="", reporter_email="", reporter_phone="", anonymised_at=now, updated_at=now
    )
    for pk, name in Attachment.objects.filter(complaint_id__in=ids).values_list("pk", "original_name"):
        extension = os.path.splitext(name)[1].lower()[:10]
        Attachment.objects.filter(pk=pk).update(original_name=f"lampiran-{pk}{extension}")
    event_ids = ComplaintEvent.objects.filter(complaint_id__in=ids).values_list("pk", flat=True)
    keys = [f"complaint-receipt:{pk}" for pk in ids] + [f"complaint-event:{pk}" for pk in event_ids]
    OutboxEmail.objects.filter(key__in=keys).delete()
    return len(ids)


def purge(now: datetime) -> int:
    """The humas.retention entry: every report past its term, a thousand at a time."""
    done = 0
    while True:
        batch = list(past_term(now).order_by("pk").values_list("pk", flat=True)[:1000])
        if not batch:
            return done
        done += erase(batch, now=now)


@transaction.atomic
def request_erasure(complaint: Complaint) -> bool:
    """The reporter asks for their data to be erased before the term; an admin confirms it. False when it
    was asked for already (nothing changes). Refused while the report is still being handled."""
    if complaint.anonymised_at is not None:
        raise Refused(_("Your personal data on this report has already been erased."))
    if complaint.is_open:
        raise Refused(_("The report is still being handled; ask for erasure once it is closed."))
    return bool(
        Complaint.objects.filter(pk=complaint.pk, erasure_requested_at__isnull=True).update(
            erasure_requested_at=timezone.now()
        )
    )


def export(complaint: Complaint) -> dict:
    """What the portal holds about a report, for its reporter (the right of access): the report, the identity
    they gave, the public history, the attachments' names and the rating. Staff notes and staff names are
    the unit's working papers, not the reporter's data, and are left out."""
    from complaints.public.tracking import public_events

    def when(value) -> str | None:
        return value.isoformat() if value else None

    return {
        "reference": complaint.pk,
        "kind": complaint.kind,
        "unit": complaint.unit.name,
        "category": complaint.category.name if complaint.category_id else None,
        "title": complaint.title,
        "description": complaint.description,
        "incident_date": when(complaint.incident_date),
        "location": complaint.location,
        "channel": complaint.channel,
        "filed_at": when(complaint.created_at),
        "status": complaint.status,
        "closed_at": when(complaint.closed_at),
        "reporter": {
            "name": complaint.reporter_name,
            "email": complaint.reporter_email,
            "phone": complaint.reporter_phone,
            "identity_mode": complaint.identity_mode,
            "visibility": complaint.visibility,
            "consent_given_at": when(complaint.consent_at),
            "language": complaint.language,
            "erasure_requested_at": when(complaint.erasure_requested_at),
            "erased_at": when(complaint.anonymised_at),
        },
        "history": [
            {
                "at": when(event.created_at),
                "kind": event.kind,
                "by_reporter": event.by_reporter,
                "message": event.public_message,
                "status": event.to_status,
            }
            for event in public_events(complaint)
        ],
        "attachments": [
            {
                "name": item.original_name,
                "type": item.content_type,
                "size": item.size,
                "added_at": when(item.created_at),
            }
            for item in complaint.attachments.order_by("created_at", "pk")
        ],
        "rating": {"score": complaint.rating, "comment": complaint.rating_comment, "at": when(complaint.rated_at)}
        if complaint.rating
        else None,
    }
