"""Information requests under UU 14/2008 (Keterbukaan Informasi Publik): the request, its immutable history,
the objection (keberatan) to the atasan PPID, and the public information list (Daftar Informasi Publik)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import get_private_storage  # PRIVATE_MEDIA_ROOT, no URL: files go out through views
from humas.models import ImmutableModel, TimeStampedModel, Unit

TRACKING_PREFIX = "INF"


class RequesterKind(models.TextChoices):
    PERSON = "person", _("A person")
    ORGANISATION = "organisation", _("An organisation (legal entity)")


class ObtainMethod(models.TextChoices):
    VIEW = "view", _("View or read it at the office")
    ELECTRONIC = "electronic", _("An electronic copy (softcopy)")
    PAPER = "paper", _("A paper copy (hardcopy)")


class DeliveryMethod(models.TextChoices):
    PICK_UP = "pick_up", _("Pick it up at the office")
    POST = "post", _("By post or courier")
    EMAIL = "email", _("By e-mail")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API / app")
    STAFF = "staff", _("Recorded by staff")
    LEGACY = "legacy", _("Moved from the complaint system")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    EXTENDED = "extended", _("Extended")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOT_HELD = "not_held", _("Information not held")
    NOT_OUR_AUTHORITY = "not_our_authority", _("Not under our authority")


OPEN_STATUSES = (Status.RECEIVED, Status.EXTENDED)
DECISIONS = (Status.GRANTED, Status.PARTLY_GRANTED, Status.REFUSED, Status.NOT_HELD, Status.NOT_OUR_AUTHORITY)


class Exemption(models.TextChoices):
    """The exemption grounds of Pasal 17 UU 14/2008, letters a–j."""

    LAW_ENFORCEMENT = "a", _("a — would obstruct law enforcement")
    INTELLECTUAL_PROPERTY = "b", _("b — would harm intellectual property or fair competition")
    STATE_DEFENCE = "c", _("c — would endanger state defence and security")
    NATURAL_RESOURCES = "d", _("d — would reveal Indonesia's natural resources")
    NATIONAL_ECONOMY = "e", _("e — would harm the national economy")
    FOREIGN_RELATIONS = "f", _("f — would harm foreign relations")
    AUTHENTIC_DEED = "g", _("g — would reveal the contents of a private authentic deed or a last will")
    PERSONAL_DATA = "h", _("h — would reveal personal secrets (personal data)")
    INTERNAL_MEMO = "i", _("i — internal memoranda or letters that are secret by their nature")
    BY_LAW = "j", _("j — information that a law says may not be disclosed")


class ObjectionGround(models.TextChoices):
    """The grounds of Pasal 35(1) UU 14/2008."""

    REFUSED_EXEMPTION = "refused_exemption", _("The request was refused on an exemption ground")
    LISTED_NOT_PROVIDED = "listed_not_provided", _("Information on the public list was not provided")
    IGNORED = "ignored", _("The request was not responded to")
    NOT_AS_ASKED = "not_as_asked", _("The request was not answered as asked")
    NOT_FULFILLED = "not_fulfilled", _("The request was not fulfilled")
    EXCESSIVE_COST = "excessive_cost", _("An unreasonable cost was charged")
    LATE = "late", _("The answer came later than the law allows")


class InformationRequest(TimeStampedModel):
    """A request for public information. The requester follows it with a tracking code that only its keyed
    hash (`tracking_digest`) keeps; staff and letters name it by its registration number."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), related_name="information_requests", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    number = models.CharField(_("registration number"), max_length=80, unique=True)
    tracking_digest = models.CharField(_("tracking code (keyed hash)"), max_length=64, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(_("language"), max_length=5, default="id")

    # the requester
    requester_kind = models.CharField(
        _("requester"), max_length=12, choices=RequesterKind.choices, default=RequesterKind.PERSON
    )
    name = models.CharField(_("name"), max_length=120)
    nik = models.CharField(_("identity number (NIK)"), max_length=16, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    legal_document = models.FileField(
        _("legal-entity document"), storage=get_private_storage, upload_to="information/%Y/%m/", blank=True
    )
    address = models.TextField(_("address"), max_length=500)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consent_at = models.DateTimeField(_("personal-data consent given at"), null=True, blank=True)

    # the request
    information = models.TextField(_("information requested"), max_length=5000)
    purpose = models.TextField(_("purpose of use"), max_length=2000)
    obtain_method = models.CharField(_("how to obtain it"), max_length=12, choices=ObtainMethod.choices)
    delivery_method = models.CharField(_("how to receive it"), max_length=10, choices=DeliveryMethod.choices)
    list_item = models.ForeignKey(
        "information.ListItem",
        verbose_name=_("item of the public information list"),
        related_name="requests",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    # the clock
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), max_length=2000, blank=True)

    # the decision
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), related_name="+", on_delete=models.PROTECT,
        null=True, blank=True,
    )  # fmt: skip
    exemption = models.CharField(_("exemption ground"), max_length=1, choices=Exemption.choices, blank=True)
    consequence_test = models.TextField(_("consequence test"), max_length=5000, blank=True)
    decision_text = models.TextField(_("text of the decision"), max_length=10000, blank=True)
    access_details = models.CharField(_("where and when to view or collect it"), max_length=300, blank=True)
    cost = models.DecimalField(_("cost of copies (Rp)"), max_digits=12, decimal_places=0, null=True, blank=True)
    forward_to = models.CharField(_("body that holds the information"), max_length=200, blank=True)
    answer_file = models.FileField(
        _("the information (file)"), storage=get_private_storage, upload_to="information/%Y/%m/", blank=True
    )
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_position = models.CharField(_("position of the signer"), max_length=160, blank=True)

    # humas.retention: when the requester's identity was erased (information.retention)
    anonymised_at = models.DateTimeField(_("requester's data erased at"), null=True, blank=True)

    # the complaint this request was moved from (data migration); an id, not a key: the apps stay apart
    legacy_complaint_id = models.PositiveBigIntegerField(_("moved from complaint"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="inforequest_queue_idx"),
            models.Index(fields=["unit", "registered_at"], name="inforequest_report_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "sequence"], name="inforequest_number_in_year"),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(exemption=""), name="inforequest_refusal_has_ground"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_our_authority") | ~models.Q(forward_to=""),
                name="inforequest_forward_has_body",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in DECISIONS


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Request registered")
    EXTENDED = "extended", _("Answer period extended")
    DECIDED = "decided", _("Decision")
    NOTE = "note", _("Internal note")
    OBJECTED = "objected", _("Objection filed")
    OBJECTION_ANSWERED = "objection_answered", _("Objection answered")
    DISPUTE = "dispute", _("Dispute taken to the Information Commission")
    MOVED = "moved", _("Moved from the complaint system")
    LEGACY = "legacy", _("Step recorded in the complaint system")


class RequestEvent(ImmutableModel):
    """One step of a request's history. Written once, never changed or deleted."""

    request = models.ForeignKey(InformationRequest, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT
    )
    by_requester = models.BooleanField(_("by the requester"), default=False)
    public_message = models.TextField(_("public message"), max_length=10000, blank=True)
    internal_note = models.TextField(_("internal note"), max_length=5000, blank=True)
    status = models.CharField(_("status after"), max_length=20, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(by_requester=True) & models.Q(actor__isnull=False)),
                name="inforequest_event_one_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Awaiting the atasan PPID")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Objection(TimeStampedModel):
    """The requester's objection (keberatan) to the atasan PPID of the request's unit. One per request."""

    request = models.OneToOneField(InformationRequest, related_name="objection", on_delete=models.CASCADE)
    grounds = models.JSONField(_("grounds"), default=list)
    reason = models.TextField(_("reason"), max_length=5000)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.FILED
    )
    answer = models.TextField(_("answer"), max_length=10000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), related_name="+", on_delete=models.PROTECT,
        null=True, blank=True,
    )  # fmt: skip
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_position = models.CharField(_("position of the signer"), max_length=160, blank=True)
    commission_deadline = models.DateTimeField(_("dispute to the Commission by"), null=True, blank=True)
    dispute_filed_on = models.DateField(_("dispute registered at the Commission on"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="objection_queue_idx")]

    def __str__(self) -> str:
        return f"{self.request.number} — {self.get_status_display()}"


class InformationClass(models.TextChoices):
    PERIODIC = "berkala", _("Periodic (berkala)")
    IMMEDIATE = "serta_merta", _("Immediate (serta-merta)")
    ANY_TIME = "setiap_saat", _("Available any time (setiap saat)")
    EXEMPT = "dikecualikan", _("Exempt (dikecualikan)")


class ListItem(TimeStampedModel):
    """One item of a unit's public information list (Daftar Informasi Publik)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="information_items", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    info_class = models.CharField(_("class"), max_length=14, choices=InformationClass.choices)
    exemption = models.CharField(_("exemption ground"), max_length=1, choices=Exemption.choices, blank=True)
    retention = models.CharField(_("exempt for"), max_length=80, blank=True)
    responsible = models.CharField(_("person or office responsible"), max_length=160)
    form = models.CharField(_("form"), max_length=80, help_text=_("e.g. softcopy (PDF), hardcopy"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="informasi/", blank=True)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("public information item")
        verbose_name_plural = _("public information list")
        ordering = ["unit__name", "info_class", "title"]
        indexes = [models.Index(fields=["unit", "is_active", "info_class"], name="listitem_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(info_class="dikecualikan") | ~models.Q(exemption=""),
                name="listitem_exempt_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Sequence(models.Model):
    """The last registration number given in a unit's year (locked while the next one is drawn)."""

    unit = models.ForeignKey(Unit, related_name="+", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration sequence")
        verbose_name_plural = _("registration sequences")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="information_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.last}"
