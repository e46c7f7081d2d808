from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")

    def ready(self) -> None:
        from humas import clarifications as interface
        from humas import slots

        from . import clarifications, publishing, sections

        slots.register("home", sections.home_latest, order=10)
        slots.register("staff_menu", sections.staff_menu_item, order=20)
        interface.provide_release(clarifications.release_info)
        publishing.add_hook(publishing.PUBLISHED_HOOKS, "releases.clarifications.announce")

    def seed_demo(self, *, stdout, units) -> None:
        from .demo import seed

        seed(stdout=stdout, units=units)
