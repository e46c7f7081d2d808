from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsSocialConfig(AppConfig):
    name = "channels_social"
    verbose_name = _("Social channels")

    def ready(self):
        from humas import slots

        from . import views

        slots.register("footer", views.footer, order=50)
        slots.register("unit_contact", views.unit_contact)
        slots.register("staff_menu", views.staff_menu, order=40)

    def seed_demo(self, *, stdout, units):
        from .demo import seed

        seed(stdout=stdout, units=units)
