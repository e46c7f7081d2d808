from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Media monitoring")

    def ready(self) -> None:
        """Fill the other apps' slots (the dashboard's issues, a release's coverage), register the alert
        e-mails with the outbox; none of them imports us."""
        from humas import outbox

        from . import alerts

        outbox.register(alerts.DIGEST_TEMPLATE, alerts.digest_context)
        outbox.register(alerts.SPIKE_TEMPLATE, alerts.spike_context)

