"""Bounces and complaints reported from outside a dispatch: an ESP's tracking webhook through django-anymail
(its `tracking` signal, connected in MailingConfig.ready) and `manage.py record_bounce` for plain SMTP,
both through mailing.subscriptions.record_bounce. A 5xx answer during a dispatch is counted by the
dispatch itself."""

from __future__ import annotations

import logging
from typing import Any

from . import subscriptions

log = logging.getLogger(__name__)

# anymail's normalised reject reasons that say the address itself does not work
DEAD_ADDRESS = {"bounced", "invalid"}


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail.signals.tracking: bounced → a hard bounce; complained (or rejected as spam) → a complaint,
    which stops the address at once; rejected as a dead address → a hard bounce; deferred → a soft bounce
    (noted, nothing stopped). Other events (delivered, opened, …) are not the mailing list's business."""
    address = (event.recipient or "").strip()
    if not address:
        return
    kind = event.event_type
    reason = event.reject_reason or ""
    source = {"channel": "webhook", "detail": f"{esp_name}: {kind} {reason}".strip()}
    if kind == "complained" or (kind == "rejected" and reason == "spam"):
        recorded = subscriptions.record_bounce(email=address, complaint=True, **source)
    elif kind == "bounced" or (kind == "rejected" and reason in DEAD_ADDRESS):
        recorded = subscriptions.record_bounce(email=address, permanent=True, **source)
    elif kind == "deferred":
        recorded = subscriptions.record_bounce(email=address, permanent=False, **source)
    else:
        return
    log.info("%s webhook: %s recorded for subscriber %s", esp_name, kind, recorded.pk if recorded else "(none)")
