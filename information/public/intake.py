"""Intake: a requester's request becomes an InformationRequest with its registration number, its first
event and the receipt e-mail's outbox row, in one transaction. The tracking code is returned to the caller
to show once; only its keyed hash is stored."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import private_storage
from humas import codes
from humas.models import Unit
from humas.uploads import MB, clean_image, clean_pdf, sniff
from information import clock, notify, numbering
from information.models import (
    TRACKING_PREFIX,
    Channel,
    EventKind,
    InformationRequest,
    ListItem,
    RequesterKind,
    RequestEvent,
    Status,
)

MAX_DOCUMENT_BYTES = 10 * MB


@dataclass
class RequestInput:
    """Validated input, from the web form or the API (both validate with information.public.forms.RequestForm)."""

    unit: Unit
    requester_kind: str
    name: str
    address: str
    information: str
    purpose: str
    obtain_method: str
    delivery_method: str
    nik: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    consent: bool = False
    list_item: ListItem | None = None


def prepare_document(upload) -> ContentFile | None:
    """The legal-entity document, checked by content and re-encoded (images) before anything is written."""
    if upload is None:
        return None
    kind = sniff(upload)
    if kind == "pdf":
        return clean_pdf(upload, max_bytes=MAX_DOCUMENT_BYTES)
    if kind == "image":
        return clean_image(upload, max_bytes=MAX_DOCUMENT_BYTES, max_pixels=40_000_000, max_side=2560).file
    raise ValidationError(_("Only a PDF document or a photo (JPEG, PNG, WebP) is accepted."), code="bad_type")


def submit_request(
    *, data: RequestInput, document=None, channel: str = Channel.WEB, language: str | None = None, by=None
) -> tuple[InformationRequest, str]:
    """Register a request. Returns the request and its tracking code (shown once, never stored)."""
    prepared = prepare_document(document)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    for attempt in range(3):
        code = codes.new_code()
        stored: list[str] = []
        try:
            with transaction.atomic():
                request = _create(data, prepared, channel, language, code, stored, by)
            return request, code
        except IntegrityError as exc:
            for name in stored:
                with contextlib.suppress(OSError):
                    private_storage.delete(name)
            # a code drawn twice (1 in 2^60): draw again; any other integrity error is a bug
            if "tracking_digest" not in str(exc) or attempt == 2:
                raise
        except BaseException:
            for name in stored:
                with contextlib.suppress(OSError):
                    private_storage.delete(name)
            raise
    raise AssertionError("unreachable")


def _create(data: RequestInput, prepared, channel: str, language: str, code: str, stored: list[str], by):
    now = timezone.now()
    unit = data.unit
    year, sequence, number = numbering.draw(unit, now)
    organisation = data.requester_kind == RequesterKind.ORGANISATION
    request = InformationRequest(
        unit=unit,
        year=year,
        sequence=sequence,
        number=number,
        tracking_digest=codes.digest(code),
        channel=channel,
        language=language,
        requester_kind=data.requester_kind,
        name=data.name,
        nik="" if organisation else data.nik,
        organisation=data.organisation if organisation else "",
        address=data.address,
        phone=data.phone,
        email=data.email.lower(),
        consent_at=now if data.consent else None,
        information=data.information,
        purpose=data.purpose,
        obtain_method=data.obtain_method,
        delivery_method=data.delivery_method,
        list_item=data.list_item,
        status=Status.RECEIVED,
        registered_at=now,
        due_at=clock.answer_due(now, unit.time_zone),
    )
    if prepared is not None and organisation:
        request.legal_document.save(prepared.name, prepared, save=False)
        stored.append(request.legal_document.name)
    request.save()
    RequestEvent.objects.create(
        request=request, kind=EventKind.RECEIVED, by_requester=by is None, actor=by, status=Status.RECEIVED,
        created_at=now,
    )  # fmt: skip
    if request.email:
        notify.receipt(request, code)
    return request


LEGACY_PREFIX = "ADU"  # requests moved from the complaint system keep their complaint's code


def find_by_code(text: str) -> InformationRequest | None:
    code = codes.normalise(text, TRACKING_PREFIX) or codes.normalise(text, LEGACY_PREFIX)
    if code is None:
        return None
    return (
        InformationRequest.objects.select_related("unit", "list_item")
        .filter(tracking_digest__in=codes.digests(code))
        .first()
    )


def display_code(code: str) -> str:
    return codes.display(code, TRACKING_PREFIX)
