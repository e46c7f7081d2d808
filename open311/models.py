"""Open311 GeoReport v2: the client apps allowed to file reports (each with its API key, kept only as a hash)
and the requests they filed (the report, the token the client may follow it by, the media URL it sent)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from humas.models import TimeStampedModel


class Client(TimeStampedModel):
    """A registered client app (a city's app, an aggregator…). Its API key is shown once when issued; the row
    keeps its SHA-256 (a random 256-bit key needs no slow hash) and its first characters to recognise it."""

    name = models.CharField(_("name"), max_length=120)
    contact = models.EmailField(_("contact e-mail"))
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), related_name="+", on_delete=models.PROTECT
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Request(models.Model):
    """A report filed through Open311: which client filed it, the token it may follow it by, its media URL
    (recorded, never fetched by the portal)."""

    complaint = models.OneToOneField(Complaint, related_name="open311", on_delete=models.CASCADE)
    client = models.ForeignKey(Client, related_name="requests", on_delete=models.PROTECT)
    token = models.CharField(max_length=32, unique=True, editable=False)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.token
