"""Media partners' verification: staff vouch that an outlet is a real newsroom, which lets its confirmed
journalists receive releases under embargo (mailing.embargo). Who verified and when is kept; a verification
can be revoked (who and when, too), and from then on the outlet's embargoed preview links are refused."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import access
from humas.errors import Refused

from .models import MediaPartner

PERMISSION = "subscriber.manage"


def _check(by: Any) -> None:
    if not access.has_any(by, PERMISSION):
        raise Refused(_("Your role may not do this."), code="forbidden", status=403)


@transaction.atomic
def verify(partner: MediaPartner | int, *, by: Any) -> MediaPartner:
    _check(by)
    partner = MediaPartner.objects.select_for_update().get(pk=getattr(partner, "pk", partner))
    if partner.verified:
        raise Refused(_("This outlet is verified already."), code="already", status=409)
    partner.verified, partner.verified_by, partner.verified_at = True, by, timezone.now()
    partner.save(update_fields=["verified", "verified_by", "verified_at", "updated_at"])
    return partner


@transaction.atomic
def revoke(partner: MediaPartner | int, *, by: Any) -> MediaPartner:
    _check(by)
    partner = MediaPartner.objects.select_for_update().get(pk=getattr(partner, "pk", partner))
    if not partner.verified:
        raise Refused(_("This outlet is not verified."), code="already", status=409)
    partner.verified, partner.revoked_by, partner.revoked_at = False, by, timezone.now()
    partner.save(update_fields=["verified", "revoked_by", "revoked_at", "updated_at"])
    return partner
