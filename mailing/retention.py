"""The mailing list's share of humas.retention: a subscription never confirmed is deleted after
RETENTION_DAYS_UNCONFIRMED_SUBSCRIBER days; an address that left the list (unsubscribed, bounced, marked as
spam) is, after RETENTION_DAYS_UNSUBSCRIBED days, reduced to a keyed hash in Suppression (its row, consent
record and delivery rows go), which keeps a staff import from ever adding it again."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac

from humas import retention

from .models import Subscriber, SubscriberStatus, Suppression

SALT = "mailing.suppression"
LEFT = (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED)


def address_digests(email: str) -> list[str]:
    """The address's hash under SECRET_KEY and each SECRET_KEY_FALLBACKS key (the first is what is stored)."""
    from django.conf import settings

    value = email.strip().lower()
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [salted_hmac(SALT, value, secret=key, algorithm="sha256").hexdigest() for key in keys]


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(digest__in=address_digests(email)).exists()


@transaction.atomic
def purge(now: datetime) -> int:
    """Returns the subscriber rows deleted."""
    unconfirmed = Subscriber.objects.filter(
        status=SubscriberStatus.PENDING, created_at__lt=retention.cutoff("RETENTION_DAYS_UNCONFIRMED_SUBSCRIBER", now)
    )
    left_before = retention.cutoff("RETENTION_DAYS_UNSUBSCRIBED", now)
    left = Subscriber.objects.filter(status__in=LEFT).filter(
        Q(unsubscribed_at__lt=left_before) | Q(unsubscribed_at__isnull=True, updated_at__lt=left_before)
    )
    gone = list(left.values_list("pk", "email", "status"))
    Suppression.objects.bulk_create(
        [Suppression(digest=address_digests(email)[0], reason=status) for _pk, email, status in gone],
        ignore_conflicts=True,
    )
    deleted = Subscriber.objects.filter(pk__in=[pk for pk, _e, _s in gone]).delete()[1].get("mailing.Subscriber", 0)
    deleted += unconfirmed.delete()[1].get("mailing.Subscriber", 0)
    return deleted
