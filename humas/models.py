"""Core models: the unit tree, staff memberships with roles, and the collective-leave calendar."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ImmutableRow(Exception):
    pass


class ImmutableModel(models.Model):
    """A row of a history (a report's or a request's events): evidence, so once saved it is never rewritten or
    deleted (a guard, not business logic)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableRow(f"{self._meta.verbose_name_plural} are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRow(f"{self._meta.verbose_name_plural} are immutable")


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB — Western Indonesia Time (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA — Central Indonesia Time (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT — Eastern Indonesia Time (Asia/Jayapura)")


class UnitKind(models.TextChoices):
    PUSAT = "pusat", _("Head office (pusat)")
    KANWIL = "kanwil", _("Regional office (kanwil)")
    SATKER = "satker", _("Work unit (satker)")
    PEMDA = "pemda", _("Local government (pemda)")
    OPD = "opd", _("Regional agency (OPD)")
    LEMBAGA = "lembaga", _("Independent body (lembaga)")


class UnitQuerySet(models.QuerySet):
    """Tree queries answered by one recursive CTE, whatever the depth: no walk one query per level."""

    def _closure_sql(self, root_ids: list[int], direction: str) -> tuple[str, list[int]]:
        table = self.model._meta.db_table
        placeholders = ", ".join(["%s"] * len(root_ids))
        if direction == "down":
            step = f"SELECT u.id, u.parent_id FROM {table} u JOIN tree ON u.parent_id = tree.id"  # noqa: S608
        else:
            step = f"SELECT u.id, u.parent_id FROM {table} u JOIN tree ON u.id = tree.parent_id"  # noqa: S608
        # UNION (not UNION ALL) also stops on a cycle, should one ever slip into the data.
        # only the model's own table name is interpolated; the ids travel as query parameters
        base = f"SELECT id, parent_id FROM {table} WHERE id IN ({placeholders})"  # noqa: S608
        sql = f"WITH RECURSIVE tree(id, parent_id) AS ({base} UNION {step}) SELECT id FROM tree"  # noqa: S608
        return sql, list(root_ids)

    def subtree_of(self, units: Iterable[Unit | int]) -> UnitQuerySet:
        """The given units and every unit below them."""
        ids = [u.pk if isinstance(u, Unit) else int(u) for u in units]
        if not ids:
            return self.none()
        sql, params = self._closure_sql(ids, "down")
        return self.filter(pk__in=RawSQL(sql, params))  # noqa: S611

    def subtree_pairs(self, root_ids: list[int]) -> list[tuple[int, int]]:
        """(unit id, root id) for every unit at or below each root, in one recursive query."""
        table = self.model._meta.db_table
        placeholders = ", ".join(["%s"] * len(root_ids))
        sql = (
            f"WITH RECURSIVE tree(id, root) AS (SELECT id, id FROM {table} WHERE id IN ({placeholders}) "  # noqa: S608
            f"UNION SELECT u.id, tree.root FROM {table} u JOIN tree ON u.parent_id = tree.id) SELECT id, root FROM tree"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, list(root_ids))
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def ancestors_of(self, unit: Unit | int) -> UnitQuerySet:
        """The unit and every unit above it."""
        uid = unit.pk if isinstance(unit, Unit) else int(unit)
        sql, params = self._closure_sql([uid], "up")
        return self.filter(pk__in=RawSQL(sql, params))  # noqa: S611

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def roots(self) -> UnitQuerySet:
        return self.filter(parent__isnull=True)


phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$", _("Enter a phone number of digits, spaces, dashes or brackets, e.g. (0370) 123456.")
)


class Unit(TimeStampedModel):
    """An organisational unit (satker, OPD, kanwil…). Units form a tree through `parent`."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.SATKER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TimeZone.choices, default=TimeZone.WIB)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    logo = models.ImageField(_("logo"), upload_to="units/logos/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # the unit's area (humas.geo): GeoJSON Polygon/MultiPolygon as uploaded and checked, its outline simplified
    # for maps, and its bounding box and size, so that routing a point asks SQL for the few boxes that hold it
    area = models.JSONField(_("area"), null=True, blank=True, editable=False)
    area_display = models.JSONField(_("area (simplified)"), null=True, blank=True, editable=False)
    area_south = models.FloatField(null=True, blank=True, editable=False)
    area_west = models.FloatField(null=True, blank=True, editable=False)
    area_north = models.FloatField(null=True, blank=True, editable=False)
    area_east = models.FloatField(null=True, blank=True, editable=False)
    area_size = models.FloatField(null=True, blank=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["parent", "name"]),
            models.Index(
                fields=["area_south", "area_north", "area_west", "area_east"],
                condition=models.Q(area_size__isnull=False),
                name="unit_area_box_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="unit_not_own_parent"),
            models.CheckConstraint(condition=models.Q(time_zone__in=TimeZone.values), name="unit_time_zone_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Humas admin")
    EDITOR = "editor", _("Editor (redaktur)")
    WRITER = "writer", _("Writer (penulis)")
    OFFICER = "officer", _("Complaint officer")
    VIEWER = "viewer", _("Leadership (viewer)")
    PPID = "ppid", _("Information officer (PPID)")
    ATASAN_PPID = "atasan_ppid", _("Superior of the PPID (atasan PPID)")


class Membership(TimeStampedModel):
    """A staff user's role in a unit. A role held in a unit applies to that unit and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), related_name="memberships", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), related_name="memberships", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class CollectiveLeaveDay(TimeStampedModel):
    """A collective-leave day (cuti bersama) or any other extra non-working day entered by an admin.
    National holidays come from the `holidays` package and need no row."""

    date = models.DateField(_("date"), unique=True)
    description = models.CharField(_("description"), max_length=200)

    class Meta:
        verbose_name = _("collective-leave day")
        verbose_name_plural = _("collective-leave days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}"


class OutboxEmail(TimeStampedModel):
    """An e-mail the portal owes someone, written in the same transaction as the change that caused it and
    sent after commit. If the broker is down the row waits; a periodic sweep sends what is still pending.
    `key` makes enqueueing idempotent; the row lock while sending makes sure it goes out once. The message
    is rendered when it is sent, from `template` and the ids in `context`; `subject` records what went out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("key"), max_length=120, unique=True)
    to = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=120)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
