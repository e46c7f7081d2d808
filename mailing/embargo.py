"""Releases under embargo for verified media partners.

    approve (with an embargo) ─on commit→ start(release_id): a Dispatch in phase `embargo`, whose coordinator
    makes rows only for confirmed subscribers of verified outlets (dispatch.embargo_recipients), sent at once
    as the embargoed copy (EMBARGO in subject, body and an X-Embargo-Until header, a personal preview link);
    the embargo lifts ─ the release publishes itself ─→ dispatch.start turns the dispatch `public`: every
    other matching subscriber gets the ordinary e-mail, and the unique (dispatch, subscriber) means nobody
    gets the release twice.

Moving, withdrawing or lifting the embargo early (`changed`, an EMBARGO_CHANGED_HOOKS entry) tells each
recipient of the embargoed copy through the outbox, once per change. The preview link is signed
(django.core.signing) for one delivery and expires EMBARGO_PREVIEW_DAYS after it was sent; `open_preview`
checks it and logs each view (a forwarded link opened from another address is logged as such)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from humas import dates, outbox
from releases.models import Release, ReleaseEvent, Status

from . import dispatch as fanout
from .models import Delivery, DeliveryStatus, Dispatch, DispatchPhase, DispatchState, EmbargoView, SubscriberStatus
from .subscriptions import ip_hash

PREVIEW_SALT = "mailing.embargo-preview"
NOTICE_TEMPLATE = "emails/embargo_notice"


def start(release_id: int) -> int | None:
    """The releases.publishing.EMBARGO_HOOKS entry: the embargoed copy goes to the verified partners. A
    release under embargo again (its embargo was withdrawn, then it was approved anew) sends it again to
    everyone in the embargo phase: the earlier copy was called off."""
    with transaction.atomic():
        item, created = Dispatch.objects.get_or_create(release_id=release_id, defaults={"phase": DispatchPhase.EMBARGO})
        if not created:
            item = Dispatch.objects.select_for_update().get(pk=item.pk)
            if item.phase != DispatchPhase.EMBARGO:
                return None
            Delivery.objects.filter(dispatch=item, embargoed=True).exclude(status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, last_error="", sent_at=None
            )
            Dispatch.objects.filter(pk=item.pk).update(state=DispatchState.PREPARING, cursor=0, finished_at=None)
        dispatch_id = item.pk
        transaction.on_commit(lambda: fanout._enqueue_coordinator(dispatch_id))
    return dispatch_id


# --- changes ---------------------------------------------------------------------------------------------

MOVED, WITHDRAWN, LIFTED = "moved", "withdrawn", "lifted"


def change_kind(event: ReleaseEvent) -> str:
    if event.action == "unschedule":
        return WITHDRAWN
    if event.action == "publish":
        return LIFTED
    return MOVED


def changed(event_id: int) -> int:
    """The releases.publishing.EMBARGO_CHANGED_HOOKS entry: every recipient of the embargoed copy is told of
    the change (once per change); a withdrawn embargo stops what was not sent yet and calls off what was.
    Returns how many were told."""
    event = ReleaseEvent.objects.select_related("release").get(pk=event_id)
    item = Dispatch.objects.filter(release_id=event.release_id).first()  # public already when lifted early
    if item is None:
        return 0
    with transaction.atomic():
        if change_kind(event) == WITHDRAWN:
            fanout.stop(item.pk)
        told = 0
        sent = Delivery.objects.filter(dispatch=item, embargoed=True, status=DeliveryStatus.SENT)
        rows = list(sent.values_list("subscriber_id", "subscriber__email", "subscriber__language"))
        if change_kind(event) == WITHDRAWN:
            # the copy is called off: its preview link says so, and a later publication e-mails them again
            sent.update(status=DeliveryStatus.CANCELLED)
        for subscriber_id, email, language in rows:
            outbox.enqueue(
                key=f"embargo-notice:{event_id}:{subscriber_id}",
                to=email,
                template=NOTICE_TEMPLATE,
                context={"event_id": event_id, "subscriber_id": subscriber_id},
                language=language,
            )
            told += 1
    return told


def notice_context(stored: dict) -> dict:
    """The outbox's context builder for the notice of a moved, withdrawn or lifted embargo."""
    from .models import Subscriber

    event = ReleaseEvent.objects.select_related("release__unit").get(pk=stored["event_id"])
    subscriber = Subscriber.objects.get(pk=stored["subscriber_id"])
    release = event.release
    kind = change_kind(event)
    context = {"release": release, "subscriber": subscriber, "kind": kind}
    if kind == MOVED:
        from datetime import datetime

        from releases.publishing import embargo_text

        context["embargo"] = embargo_text(release, datetime.fromisoformat(event.comment))
    if kind == LIFTED:
        path = reverse("releases:detail", args=[release.slug])
        context["url"] = f"{settings.SITE_URL}{path}"
        context["when"] = dates.format_datetime(event.created_at, release.unit.time_zone)
    return context


# --- the preview link ------------------------------------------------------------------------------------


def preview_token(delivery_id: int) -> str:
    return signing.TimestampSigner(salt=PREVIEW_SALT).sign(str(delivery_id))


def preview_url(delivery_id: int, language: str) -> str:
    with translation.override(language):
        path = reverse("mailing:embargo_preview", args=[preview_token(delivery_id)])
    return f"{settings.SITE_URL}{path}"


@dataclass
class Preview:
    """What the preview page shows: the release for `delivery`'s recipient, or why not (`problem`)."""

    problem: str = ""  # "", "invalid", "expired", "unverified", "withdrawn", "published"
    delivery: Delivery | None = None
    release: Release | None = None
    forwarded: bool = False  # opened from an address this link was not opened from before


def open_preview(token: str, *, ip: str | None) -> Preview:
    """Check a preview link and log the view. A tampered link is `invalid` (nothing to log it against); an
    expired one, one whose outlet is no longer verified, whose recipient left the list, whose embargo was
    withdrawn, or whose release is out, is refused for that reason, and the attempt logged too."""
    try:
        value = signing.TimestampSigner(salt=PREVIEW_SALT).unsign(token, max_age=settings.EMBARGO_PREVIEW_DAYS * 86400)
        expired = False
    except signing.SignatureExpired:
        expired = True
        try:  # the signature itself is good: find the delivery to log the attempt and name the recipient
            value = signing.TimestampSigner(salt=PREVIEW_SALT).unsign(token)
        except signing.BadSignature:
            return Preview(problem="invalid")
    except signing.BadSignature:
        return Preview(problem="invalid")
    delivery = (
        Delivery.objects.select_related("subscriber__outlet", "dispatch__release__unit")
        .filter(pk=int(value) if value.isdigit() else 0, embargoed=True)
        .first()
    )
    if delivery is None:
        return Preview(problem="invalid")
    release = delivery.dispatch.release
    if expired:
        problem = "expired"
    elif release.status == Status.PUBLISHED:
        problem = "published"
    elif not release.under_embargo or delivery.status != DeliveryStatus.SENT:
        problem = "withdrawn"
    elif delivery.subscriber.status != SubscriberStatus.CONFIRMED or not (
        delivery.subscriber.outlet and delivery.subscriber.outlet.verified
    ):
        problem = "unverified"
    else:
        problem = ""
    address = ip_hash(ip)
    seen = set(EmbargoView.objects.filter(delivery=delivery).values_list("ip_hash", flat=True))
    forwarded = bool(seen) and address not in seen
    EmbargoView.objects.create(delivery=delivery, ip_hash=address, new_address=forwarded, refused=problem)
    return Preview(problem=problem, delivery=delivery, release=release, forwarded=forwarded)


def views_by_delivery(dispatch_id: int) -> list[dict]:
    """For the staff's dispatch page: each embargoed recipient's views, addresses and refusals."""
    from django.db.models import Count, Max, Q

    return list(
        Delivery.objects.filter(dispatch_id=dispatch_id, embargoed=True)
        .annotate(
            views=Count("embargo_views", filter=Q(embargo_views__refused="")),
            refused=Count("embargo_views", filter=~Q(embargo_views__refused="")),
            addresses=Count("embargo_views__ip_hash", distinct=True),
            last_view=Max("embargo_views__at"),
        )
        .select_related("subscriber__outlet")
        .order_by("subscriber__name", "pk")
    )
