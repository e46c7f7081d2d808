from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Media monitoring")

    def ready(self) -> None:
        """Fill the other apps' slots (the dashboard's issues, a release's coverage), register the alert
        e-mails with the outbox; none of them imports us."""
        from humas import outbox, slots

        from . import alerts, sections

        slots.register("staff_menu", sections.staff_menu_item, order=60)
        slots.register("staff_home", sections.dashboard_issues, order=15)
        slots.register("staff_release_coverage", sections.release_coverage)
        slots.register("staff_release_reach", sections.release_reach_coverage, order=50)
        outbox.register(alerts.DIGEST_TEMPLATE, alerts.digest_context)
        outbox.register(alerts.SPIKE_TEMPLATE, alerts.spike_context)

    def seed_demo(self, *, stdout, units) -> None:
        from .demo import seed

        seed(stdout=stdout, units=units)
