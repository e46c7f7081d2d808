from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Leadership's view across the apps: which units publish, post and answer on time. It reads the other apps'
    selectors and owns no table, so it sits above complaints, releases and channels_social (which never import
    each other) instead of inside one of them."""

    name = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from humas import slots
        from oversight import views

        slots.register("staff_menu", views.render_menu, order=55)
        slots.register("staff_home", views.render_dashboard, order=15)

    def seed_demo(self, *, stdout, units):
        from oversight.demo import seed

        seed(stdout=stdout, units=units)
