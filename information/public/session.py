"""The requester's tracking session, through the portal's one reporter session (humas.reporter_sessions): the
browser that filed a request or entered its tracking code may open that request while the session lasts
(until the browser closes, or REPORTER_SESSION_IDLE_MINUTES without a visit). `tracked_request` is the one
check every requester page makes."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from humas import reporter_sessions
from information.models import InformationRequest

SESSION_KIND = "information_request"


def remember(request: HttpRequest, info_request: InformationRequest) -> None:
    reporter_sessions.enter(request, SESSION_KIND, info_request.pk)


def tracked_request(request: HttpRequest, pk: int) -> InformationRequest:
    """The request `pk` if this session is its requester's; 404 otherwise (whether or not it exists)."""
    if not reporter_sessions.holds(request, SESSION_KIND, pk):
        raise Http404
    return get_object_or_404(InformationRequest.objects.select_related("unit", "list_item"), pk=pk)


def keep_code_for_receipt(request: HttpRequest, info_request: InformationRequest, code: str) -> None:
    reporter_sessions.hand_code(request, SESSION_KIND, info_request.pk, code)


def take_code_for_receipt(request: HttpRequest, info_request: InformationRequest) -> str | None:
    """The code, once: the receipt page shows it and forgets it."""
    return reporter_sessions.take_code(request, SESSION_KIND, info_request.pk)
