"""The requester's tracking session: the browser that filed a request or entered its tracking code may open
that request for the rest of the session. `tracked_request` is the one check every requester page makes."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from information.models import InformationRequest

SESSION_KEY = "tracked_information_requests"
RECEIPT_KEY = "information_receipt"
SESSION_LIMIT = 20


def remember(request: HttpRequest, info_request: InformationRequest) -> None:
    tracked = [pk for pk in request.session.get(SESSION_KEY, []) if pk != info_request.pk]
    request.session[SESSION_KEY] = [*tracked, info_request.pk][-SESSION_LIMIT:]


def tracked_request(request: HttpRequest, pk: int) -> InformationRequest:
    """The request `pk` if this session is its requester's; 404 otherwise (whether or not it exists)."""
    if pk not in request.session.get(SESSION_KEY, []):
        raise Http404
    return get_object_or_404(InformationRequest.objects.select_related("unit", "list_item"), pk=pk)


def keep_code_for_receipt(request: HttpRequest, info_request: InformationRequest, code: str) -> None:
    request.session[RECEIPT_KEY] = {"pk": info_request.pk, "code": code}


def take_code_for_receipt(request: HttpRequest, info_request: InformationRequest) -> str | None:
    """The code, once: the receipt page shows it and forgets it."""
    kept = request.session.get(RECEIPT_KEY)
    if not kept or kept.get("pk") != info_request.pk:
        return None
    del request.session[RECEIPT_KEY]
    return kept["code"]
