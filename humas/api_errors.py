"""One error shape for the whole API: {"detail": "<message>", "errors": {"<field>": ["<message>", …]}}, in the
language of the request. It is documented once in the OpenAPI schema (`document_errors`, a drf-spectacular
post-processing hook) and answered for every status the API gives besides its successes: 400, 401, 403,
404, 429 and 503 (humas.failures answers 404 and 503 outside the API's views in the same shape)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
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


class JSONObjectParser(JSONParser):
    """JSON whose top level is an object: every endpoint reads named fields, so an array, a string or a
    number as the body is a 400 in the usual shape, not a server error further down."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("The body must be a JSON object with the fields as its keys."))
        return data


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API: a message for people and each field's messages.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "errors"],
}
ERRORS = {
    "400": "The body or a query parameter is not valid; `errors` names each field.",
    "401": "No valid credentials were sent (token or session).",
    "403": "Signed in, but this role may not do this.",
    "404": "No such object, or not one this client may see (another unit's object is a 404 too).",
    "429": "Too many requests from this client; `Retry-After` may say when to try again.",
    "503": "The database is briefly unavailable; try again after `Retry-After` seconds.",
}


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the Error schema once under components, and a reference to it for each
    error status of every operation (401 and 403 only where a credential is needed)."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    responses = components.setdefault("responses", {})
    for code, description in ERRORS.items():
        responses[f"Error{code}"] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            security = operation.get("security")
            anonymous = security is None or {} in security
            for code in ERRORS:
                if code in ("401", "403") and anonymous:
                    continue
                operation.setdefault("responses", {}).setdefault(code, {"$ref": f"#/components/responses/Error{code}"})
    return result
