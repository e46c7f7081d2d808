"""The requester's e-mails, through the outbox (written in the service's transaction, sent after commit):
the receipt with the tracking code, and every public step (extension, decision, objection answer)."""

from __future__ import annotations

from django.conf import settings

from humas import codes, dates, outbox
from information.models import InformationRequest, RequestEvent

RECEIPT = "emails/information_receipt"
UPDATE = "emails/information_update"


def receipt(request: InformationRequest, code: str) -> None:
    # the e-mail is the one other place the code is shown; the outbox row keeps it sealed
    key = f"information-receipt:{request.pk}"
    outbox.enqueue(
        key=key,
        to=request.email,
        template=RECEIPT,
        context={"request_id": request.pk, "sealed_code": codes.seal(code, key)},
        language=request.language,
    )


def update(event: RequestEvent) -> None:
    request = event.request
    if not request.email:
        return
    outbox.enqueue(
        key=f"information-update:{event.pk}",
        to=request.email,
        template=UPDATE,
        context={"event_id": event.pk},
        language=request.language,
    )


def request_context(request: InformationRequest) -> dict:
    tz = request.unit.time_zone
    return {
        "request": request,
        "unit": request.unit,
        "track_url": f"{settings.SITE_URL}/informasi/lacak/",
        "registered": dates.format_datetime(request.registered_at, tz),
        "due": dates.format_datetime(request.due_at, tz),
    }


def receipt_context(stored: dict) -> dict:
    from information.public.intake import display_code

    request = InformationRequest.objects.select_related("unit").get(pk=stored["request_id"])
    code = codes.unseal(stored["sealed_code"], f"information-receipt:{request.pk}")
    return {**request_context(request), "code": display_code(code)}


def update_context(stored: dict) -> dict:
    event = RequestEvent.objects.select_related("request__unit").get(pk=stored["event_id"])
    return {
        **request_context(event.request),
        "event": event,
        "when": dates.format_datetime(event.created_at, event.request.unit.time_zone),
    }


BUILDERS = {RECEIPT: receipt_context, UPDATE: update_context}
