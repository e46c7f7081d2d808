"""The requester's e-mails, through the outbox (written in the service's transaction, sent after commit):
the receipt with the tracking code, and every public step (extension, decision, objection answer)."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from humas import codes, dates, outbox
from information.models import InformationRequest, RequestEvent

RECEIPT = "emails/information_receipt"
UPDATE = "emails/information_update"
SEAL_SALT = "information.notify.receipt-code"


def _pad(request_id: int) -> int:
    return int(salted_hmac(SEAL_SALT, str(request_id), algorithm="sha256").hexdigest()[:15], 16)


def seal(code: str, request_id: int) -> str:
    """The code as the outbox row keeps it until the receipt is sent: masked with a pad derived from SECRET_KEY
    and the request's id (each request has one receipt), so a database dump alone holds no working code."""
    value = sum(codes.ALPHABET.index(ch) << (5 * i) for i, ch in enumerate(code))
    return format(value ^ _pad(request_id), "015x")


def unseal(sealed: str, request_id: int) -> str:
    value = int(sealed, 16) ^ _pad(request_id)
    return "".join(codes.ALPHABET[(value >> (5 * i)) & 31] for i in range(codes.LENGTH))


def receipt(request: InformationRequest, code: str) -> None:
    # the e-mail is the one other place the code is shown; the outbox row keeps it sealed
    outbox.enqueue(
        key=f"information-receipt:{request.pk}",
        to=request.email,
        template=RECEIPT,
        context={"request_id": request.pk, "sealed_code": seal(code, request.pk)},
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
    return {**request_context(request), "code": display_code(unseal(stored["sealed_code"], request.pk))}


def update_context(stored: dict) -> dict:
    event = RequestEvent.objects.select_related("request__unit").get(pk=stored["event_id"])
    return {
        **request_context(event.request),
        "event": event,
        "when": dates.format_datetime(event.created_at, event.request.unit.time_zone),
    }


BUILDERS = {RECEIPT: receipt_context, UPDATE: update_context}
