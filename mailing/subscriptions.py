"""The media-partner mailing list's services: subscribe with double opt-in, confirm, change preferences,
unsubscribe (also RFC 8058 one-click), record bounces. Each writes a SubscriberEvent in its transaction: the
subscriber's consent record. Links carry signed tokens, so no account is needed: the confirmation link
expires, the preference and unsubscribe links in every e-mail do not (an old e-mail must still let its reader
leave)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from humas import outbox, ratelimit
from humas.errors import Refused
from humas.models import Unit
from releases.models import Category, Tag

from .models import EventKind, MediaPartner, Subscriber, SubscriberEvent, SubscriberStatus

# the salts keep the names they had when the mailing list lived in releases: links in e-mails already sent
# stay valid
CONFIRM_SALT = "releases.subscriber-confirm"
MANAGE_SALT = "releases.subscriber-manage"
UNSUBSCRIBE_SALT = "releases.subscriber-unsubscribe"
CONFIRM_TEMPLATE = "emails/subscriber_confirm"
# Well-known throw-away mailbox providers: a newsroom's list is for people who can be reached again.
DISPOSABLE_DOMAINS = frozenset(
    {
        "mailinator.com", "guerrillamail.com", "10minutemail.com", "tempmail.com", "temp-mail.org",
        "yopmail.com", "trashmail.com", "sharklasers.com", "getnada.com", "dispostable.com", "maildrop.cc",
        "throwawaymail.com", "fakeinbox.com", "mailnesia.com", "moakt.com", "emailondeck.com",
    }
)  # fmt: skip
STOPPED = (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED)


@dataclass
class Preferences:
    units: list[Unit] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    language: str = "id"


def is_disposable(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)


def normalise_email(email: str) -> str:
    email = email.strip()
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


# --- tokens ------------------------------------------------------------------------------------------


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.pk))


def manage_token(subscriber_id: int) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscriber_id))


def unsubscribe_token(subscriber_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber_id))


def _unsign(token: str, salt: str, max_age: int | None = None) -> Subscriber:
    try:
        if max_age is None:
            value = signing.Signer(salt=salt).unsign(token)
        else:
            value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
        return Subscriber.objects.get(pk=int(value))
    except signing.SignatureExpired:
        raise Refused(_("This link has expired. Subscribe again to get a new one.")) from None
    except (signing.BadSignature, ValueError, Subscriber.DoesNotExist):
        raise Refused(_("This link is not valid. Copy the whole address from the e-mail.")) from None


def subscriber_for_manage(token: str) -> Subscriber:
    return _unsign(token, MANAGE_SALT)


def subscriber_for_unsubscribe(token: str) -> Subscriber:
    return _unsign(token, UNSUBSCRIBE_SALT)


def subscriber_for_confirm(token: str) -> Subscriber:
    """The subscriber a confirmation link names (checked, expiry included), confirming nothing: the link's
    page asks, its button confirms (mail scanners follow links)."""
    return _unsign(token, CONFIRM_SALT, max_age=settings.SUBSCRIBE_CONFIRM_DAYS * 86400)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def link_maker(language: str) -> Callable[[int], dict[str, str]]:
    """links() for many subscribers: the addresses are reversed once, only the tokens are signed each time."""
    with translation.override(language):
        manage = reverse("mailing:subscriber_manage", args=["TOKEN"]).split("TOKEN")
        unsubscribe = reverse("mailing:subscriber_unsubscribe", args=["TOKEN"]).split("TOKEN")
    manage[0], unsubscribe[0] = absolute(manage[0]), absolute(unsubscribe[0])
    manage_signer, unsubscribe_signer = signing.Signer(salt=MANAGE_SALT), signing.Signer(salt=UNSUBSCRIBE_SALT)

    def make(subscriber_id: int) -> dict[str, str]:
        value = str(subscriber_id)
        return {
            "manage_url": manage_signer.sign(value).join(manage),
            "unsubscribe_url": unsubscribe_signer.sign(value).join(unsubscribe),
        }

    return make


def links(subscriber_id: int, language: str) -> dict[str, str]:
    """The per-subscriber addresses every e-mail carries."""
    return link_maker(language)(subscriber_id)


def list_id() -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<mitra-media.{host}>"


def list_headers_for(unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients show an 'unsubscribe' button that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id(),
    }


# --- the consent record ------------------------------------------------------------------------------


def ip_hash(ip: str | None) -> str:
    """A keyed hash of the client's address for the consent record: the address itself is not kept."""
    return salted_hmac("mailing.subscriber-event-ip", ip).hexdigest() if ip else ""


def record_event(
    subscriber: Subscriber, kind: str, *, by: Any = None, channel: str = "", ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> SubscriberEvent:  # fmt: skip
    """One line of the subscriber's consent record; the service functions below call it in their transaction."""
    return SubscriberEvent.objects.create(
        subscriber=subscriber, kind=kind, by=by if getattr(by, "pk", None) else None, channel=channel,
        ip_hash=ip_hash(ip), details=details or {},
    )  # fmt: skip


def _preferences_details(preferences: Preferences) -> dict[str, Any]:
    return {
        "language": preferences.language,
        "units": sorted(unit.pk for unit in preferences.units),
        "categories": sorted(category.pk for category in preferences.categories),
        "tags": sorted(tag.pk for tag in preferences.tags),
    }


# --- services ----------------------------------------------------------------------------------------


def _apply_preferences(subscriber: Subscriber, preferences: Preferences) -> None:
    subscriber.units.set(preferences.units)
    subscriber.categories.set(preferences.categories)
    subscriber.tags.set(preferences.tags)


def outlet_named(name: str) -> MediaPartner | None:
    name = " ".join(name.split())
    if not name:
        return None
    existing = MediaPartner.objects.filter(name__iexact=name).first()
    return existing or MediaPartner.objects.create(name=name)


@transaction.atomic
def subscribe(
    *, name: str, email: str, phone: str = "", outlet: str = "", preferences: Preferences, ip: str | None
) -> Subscriber | None:
    """A new address becomes a pending subscriber and gets the confirmation e-mail; a pending one gets it
    again; one that left may come back (pending again). The caller answers the same whatever happened, so the
    form tells nobody whether an address is on the list: a confirmed or blocked address is left as it is (a
    stranger cannot rename it or reset its preferences), and the confirmation e-mail goes out at most once per
    address per 10 minutes and a few times a day (humas.ratelimit). Returns the subscriber, or None when the
    address was left alone."""
    email = normalise_email(email)
    if is_disposable(email):
        raise Refused(_("Please use a mailbox you will keep: throw-away addresses cannot subscribe."))
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is not None and subscriber.status in (SubscriberStatus.CONFIRMED, SubscriberStatus.COMPLAINED):
        return None
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.name = name.strip()
    subscriber.phone = phone
    subscriber.outlet = outlet_named(outlet)
    subscriber.language = preferences.language
    subscriber.status = SubscriberStatus.PENDING
    subscriber.consent_ip = ip
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:  # the same address sent twice at once: one row, the other request answers the same
        return None
    _apply_preferences(subscriber, preferences)
    record_event(
        subscriber, EventKind.SUBSCRIBED, channel="web", ip=ip,
        details={"outlet": subscriber.outlet.name if subscriber.outlet else "", **_preferences_details(preferences)},
    )  # fmt: skip
    if ratelimit.allow_mail_to(subscriber.email):
        token = confirm_token(subscriber)
        send_confirmation(subscriber, token, key_suffix=token.rsplit(":", 2)[-2])
    return subscriber


def send_confirmation(subscriber: Subscriber, token: str, *, key_suffix: str) -> None:
    """Queue the double-opt-in e-mail (once per subscriber and `key_suffix`) in the current transaction."""
    outbox.enqueue(
        key=f"subscriber-confirm:{subscriber.pk}:{key_suffix}",
        to=subscriber.email,
        template=CONFIRM_TEMPLATE,
        context={"subscriber_id": subscriber.pk, "token": token},
        language=subscriber.language,
    )


def confirm_email_context(stored: dict) -> dict:
    """The outbox's context builder for the double-opt-in e-mail."""
    subscriber = Subscriber.objects.get(pk=stored["subscriber_id"])
    with translation.override(subscriber.language):
        url = absolute(reverse("mailing:subscriber_confirm", args=[stored["token"]]))
    return {"subscriber": subscriber, "confirm_url": url, "days": settings.SUBSCRIBE_CONFIRM_DAYS}


@transaction.atomic
def confirm(*, token: str, ip: str | None = None) -> Subscriber:
    subscriber = _unsign(token, CONFIRM_SALT, max_age=settings.SUBSCRIBE_CONFIRM_DAYS * 86400)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == SubscriberStatus.PENDING:
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = subscriber.consent_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at", "consent_at", "updated_at"])
        record_event(subscriber, EventKind.CONFIRMED, channel="email-link", ip=ip)
    elif subscriber.status != SubscriberStatus.CONFIRMED:
        raise Refused(_("This subscription was ended. Subscribe again to get a new link."))
    return subscriber


@transaction.atomic
def update_preferences(subscriber: Subscriber, *, preferences: Preferences, ip: str | None = None) -> Subscriber:
    subscriber.language = preferences.language
    subscriber.save(update_fields=["language", "updated_at"])
    _apply_preferences(subscriber, preferences)
    record_event(subscriber, EventKind.PREFERENCES, channel="web", ip=ip, details=_preferences_details(preferences))
    return subscriber


@transaction.atomic
def unsubscribe(subscriber: Subscriber, *, channel: str = "web", ip: str | None = None) -> Subscriber:
    """Idempotent: leaving twice is fine (one event, for the first); pending deliveries of running dispatches
    are no longer sent. `channel` says how: "web" (the page's button) or "one-click" (RFC 8058)."""
    now = timezone.now()
    active = Subscriber.objects.filter(
        pk=subscriber.pk, status__in=[SubscriberStatus.PENDING, SubscriberStatus.CONFIRMED]
    )
    updated = active.update(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now)
    if updated:
        subscriber.refresh_from_db()
        record_event(subscriber, EventKind.UNSUBSCRIBED, channel=channel, ip=ip)
    return subscriber


@transaction.atomic
def record_bounce(
    *, email: str, permanent: bool = True, complaint: bool = False, channel: str = "", detail: str = ""
) -> Subscriber | None:
    """A bounce or spam complaint reported for an address (a dispatch's 5xx answer, manage.py record_bounce,
    or an ESP's webhook; `channel` says which). Complaints stop at once; hard bounces after
    SUBSCRIBER_BOUNCE_LIMIT."""
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email.strip()).first()
    if subscriber is None:
        return None
    before = subscriber.status
    subscriber.last_bounce_at = timezone.now()
    if complaint:
        subscriber.status = SubscriberStatus.COMPLAINED
    elif permanent:
        subscriber.bounce_count += 1
        if subscriber.bounce_count >= settings.SUBSCRIBER_BOUNCE_LIMIT and subscriber.status not in STOPPED:
            subscriber.status = SubscriberStatus.BOUNCED
    subscriber.save(update_fields=["status", "bounce_count", "last_bounce_at", "updated_at"])
    details: dict[str, Any] = {"permanent": permanent, "bounce_count": subscriber.bounce_count}
    if before != subscriber.status:
        details["status"] = [before, subscriber.status]
    if detail:
        details["detail"] = detail[:300]
    record_event(subscriber, EventKind.COMPLAINED if complaint else EventKind.BOUNCED, channel=channel, details=details)
    return subscriber
