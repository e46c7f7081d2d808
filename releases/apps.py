from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")

    def ready(self) -> None:
        from humas import outbox, slots

        from . import publishing, sections, subscriptions

        slots.register("home", sections.home_latest, order=10)
        slots.register("staff_menu", sections.staff_menu_item, order=20)
        slots.register("staff_menu", sections.mailing_menu_item, order=25)
        outbox.register(subscriptions.CONFIRM_TEMPLATE, subscriptions.confirm_email_context)
        if "releases.dispatch.start" not in publishing.PUBLISHED_HOOKS:
            publishing.PUBLISHED_HOOKS.append("releases.dispatch.start")
        from anymail.signals import tracking

        from . import bounces

        tracking.connect(bounces.on_tracking, dispatch_uid="releases.bounces.on_tracking")

    def seed_demo(self, *, stdout, units) -> None:
        from .demo import seed

        seed(stdout=stdout, units=units)
