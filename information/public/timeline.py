"""What the requester sees of the history: every step but the staff's internal notes."""

from __future__ import annotations

from information.models import EventKind, InformationRequest, RequestEvent

PRIVATE_KINDS = (EventKind.NOTE,)


def public_events(info_request: InformationRequest) -> list[RequestEvent]:
    return list(
        info_request.events.exclude(kind__in=PRIVATE_KINDS)
        .only("pk", "request_id", "kind", "by_requester", "public_message", "status", "created_at")
        .order_by("created_at", "pk")
    )
