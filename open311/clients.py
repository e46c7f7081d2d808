"""Client apps and their API keys: issued and revoked by a humas admin in the console, looked up by key."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import access
from humas.errors import Refused
from open311.models import Client


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check(by: Any) -> None:
    if not access.is_humas_admin(by):
        raise Refused(
            _("Only a humas admin of the main unit may manage Open311 clients."), code="forbidden", status=403
        )


@transaction.atomic
def issue_client(*, name: str, contact: str, by: Any) -> tuple[Client, str]:
    """Register a client app and issue its API key; the key is returned here once and never stored."""
    _check(by)
    key = secrets.token_urlsafe(32)
    client = Client.objects.create(
        name=name, contact=contact, key_digest=key_digest(key), key_prefix=key[:8], issued_by=by
    )
    return client, key


@transaction.atomic
def revoke_client(client: Client, *, by: Any) -> Client:
    """The client's key stops working at once; what it filed stays."""
    _check(by)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.revoked_by = by
        client.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return client


def client_for_key(key: str) -> Client | None:
    """The client holding this key (revoked ones too: the caller says why it refuses), or None."""
    if not key or len(key) > 200:
        return None
    return Client.objects.filter(key_digest=key_digest(key)).first()
