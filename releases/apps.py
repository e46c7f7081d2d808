from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")

    def ready(self) -> None:
        from humas import slots

        from . import sections

        slots.register("home", sections.home_latest, order=10)
        slots.register("staff_menu", sections.staff_menu_item, order=20)

    def seed_demo(self, *, stdout, units) -> None:
        from .demo import seed

        seed(stdout=stdout, units=units)
