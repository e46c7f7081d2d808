"""The media-partner mailing list: outlets, their journalists (subscribers) with the audit trail of their
consent (SubscriberEvent), and one Dispatch per release publication with one Delivery row per recipient.
State changes go through `mailing.subscriptions` and `mailing.dispatch`.

The tables were made when these models lived in `releases`; each model keeps its table (`db_table`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from humas.models import TimeStampedModel, Unit


class OutletKind(models.TextChoices):
    PRINT = "print", _("Print")
    ONLINE = "online", _("Online")
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    AGENCY = "agency", _("News agency")


class MediaPartner(TimeStampedModel):
    name = models.CharField(_("outlet name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OutletKind.choices, default=OutletKind.ONLINE)
    website = models.URLField(_("website"), blank=True)
    # a verified outlet's confirmed journalists receive releases under embargo (mailing.partners)
    verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verification revoked by"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("verification revoked at"), null=True, blank=True)

    class Meta:
        db_table = "releases_mediapartner"
        verbose_name = _("media partner")
        verbose_name_plural = _("media partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")


class Subscriber(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    outlet = models.ForeignKey(
        MediaPartner, verbose_name=_("outlet"), related_name="subscribers", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    # preferences: no unit / category / tag chosen means "all of them"
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="+", blank=True)
    categories = models.ManyToManyField("releases.Category", verbose_name=_("categories"), related_name="+", blank=True)
    tags = models.ManyToManyField("releases.Tag", verbose_name=_("tags"), related_name="+", blank=True)
    language = models.CharField(
        _("language of the e-mails"), max_length=2, choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_ip = models.GenericIPAddressField(_("consent given from"), null=True, blank=True)
    consent_note = models.CharField(_("consent note"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    bounce_count = models.PositiveSmallIntegerField(_("bounces"), default=0)
    last_bounce_at = models.DateTimeField(_("last bounce at"), null=True, blank=True)

    class Meta:
        db_table = "releases_subscriber"
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
            models.CheckConstraint(condition=Q(status__in=SubscriberStatus.values), name="subscriber_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "id"], name="subscriber_status_id")]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    SUBSCRIBED = "subscribed", _("Subscribed (consent given)")
    IMPORTED = "imported", _("Imported by staff")
    CONFIRMED = "confirmed", _("Confirmed")
    PREFERENCES = "preferences", _("Preferences changed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounce recorded")
    COMPLAINED = "complained", _("Marked as spam")


class SubscriberEvent(models.Model):
    """One immutable line of a subscriber's consent record (evidence under UU 27/2022): what happened, when,
    by which staff member or through which channel. The client's IP address is kept only as a keyed hash
    (enough to tell two requests from the same address apart, not to recover the address)."""

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), related_name="events", on_delete=models.CASCADE
    )
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by (staff)"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )  # fmt: skip
    channel = models.CharField(_("through"), max_length=20, blank=True)
    ip_hash = models.CharField(_("address hash"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("subscriber event")
        verbose_name_plural = _("subscriber events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subscriber", "-at"], name="subscriber_event_time")]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class DispatchState(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped (release withdrawn)")


class DispatchPhase(models.TextChoices):
    EMBARGO = "embargo", _("Under embargo: verified media partners")
    PUBLIC = "public", _("Published: every subscriber")


class Dispatch(models.Model):
    """One per release: made at its first publication, or earlier at its approval under embargo (the phase
    `embargo` sends to verified media partners only; the publication turns it to `public`, whose rows skip
    those already sent through the unique (dispatch, subscriber))."""

    release = models.OneToOneField(
        "releases.Release", verbose_name=_("press release"), related_name="dispatch", on_delete=models.CASCADE
    )
    state = models.CharField(_("state"), max_length=10, choices=DispatchState.choices, default=DispatchState.PREPARING)
    phase = models.CharField(_("phase"), max_length=10, choices=DispatchPhase.choices, default=DispatchPhase.PUBLIC)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # the coordinator's keyset cursor: the last subscriber id turned into a delivery row
    cursor = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        db_table = "releases_dispatch"
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self) -> str:
        return str(self.release)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    # no index of its own: the unique (dispatch, subscriber) and (dispatch, status, id) lead with it, and
    # every index is written again each time a row changes status (three times per message)
    dispatch = models.ForeignKey(Dispatch, related_name="deliveries", on_delete=models.CASCADE, db_index=False)
    subscriber = models.ForeignKey(Subscriber, related_name="deliveries", on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    embargoed = models.BooleanField(default=False)  # made under embargo: sent as the embargoed copy

    class Meta:
        db_table = "releases_delivery"
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "subscriber"], name="delivery_once_per_subscriber"),
        ]
        indexes = [
            models.Index(fields=["dispatch", "status", "id"], name="delivery_dispatch_status"),
            models.Index(
                fields=["lease_until"], condition=Q(status__in=["pending", "sending"]), name="delivery_open_lease"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}/{self.subscriber_id}"


class Suppression(models.Model):
    """An address that left the list (unsubscribed, bounced, marked as spam) and must never be mailed again,
    kept only as a keyed hash once its subscriber row is gone (mailing.retention): enough to refuse it in an
    import, not to read it back."""

    digest = models.CharField(_("address hash"), max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=12, choices=SubscriberStatus.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.digest[:12]


class EmbargoView(models.Model):
    """One opening of an embargoed preview link: whose link (the delivery), when, from which address (a keyed
    hash, as in the consent record) and whether that address is new for this link (a forwarded link)."""

    delivery = models.ForeignKey(Delivery, related_name="embargo_views", on_delete=models.CASCADE)
    at = models.DateTimeField(_("when"), default=timezone.now)
    ip_hash = models.CharField(_("address hash"), max_length=64, blank=True)
    new_address = models.BooleanField(_("from a new address"), default=False)
    refused = models.CharField(_("refused because"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("embargoed preview view")
        verbose_name_plural = _("embargoed preview views")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["delivery", "-at"], name="embargo_view_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M}"
