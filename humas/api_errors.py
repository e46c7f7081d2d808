"""One error shape for the whole API: {"detail": "<message>", "errors": {"<field>": ["<message>", …]}}, in the
language of the request."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import Refused


def error_response(detail: str, errors: dict | None = None, *, status: int = 400, headers=None) -> Response:
    return Response({"detail": str(detail), "errors": errors or {}}, status=status, headers=headers)


def form_errors(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def valid(form):
    """The form, validated; its errors raised in the API's one error shape (answered by `handler`)."""
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return form


def handler(exc, context):
    if isinstance(exc, Refused):
        return error_response(exc.message, status=exc.status)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body = {"detail": str(data["detail"]), "errors": {}}
    elif isinstance(data, dict):
        body = {
            "detail": _("Please check the fields marked below."),
            "errors": {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in data.items()},
        }
    else:
        body = {"detail": " ".join(str(m) for m in data), "errors": {}}
    response.data = body
    return response
