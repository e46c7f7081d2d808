"""A report filed through Open311: the same service as the web form (complaints.public.intake.submit_complaint,
the same checks, receipt e-mail and tracking code), plus the row that ties it to its client app."""

from __future__ import annotations

import secrets

from django.db import transaction

from complaints.models import Channel
from complaints.public import intake
from open311.models import Client, Request


@transaction.atomic
def file_request(*, client: Client, form, media_url: str = "", language: str | None = None) -> Request:
    """File the report validated by `form` (open311.forms.complaint_form) for `client`; one transaction."""
    complaint = intake.submit_complaint(data=form.to_input(), files=[], channel=Channel.API, language=language)
    return Request.objects.create(
        complaint=complaint, client=client, token=secrets.token_hex(16), media_url=media_url[:500]
    )
