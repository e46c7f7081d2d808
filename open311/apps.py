from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self):
        from humas import slots

        slots.register("staff_menu", staff_menu_entry, order=80)

    def seed_demo(self, *, stdout, units):
        from open311.demo import seed

        seed(stdout=stdout, units=units)


def staff_menu_entry(request, **context):
    from django.template.loader import render_to_string

    from humas import access

    if not access.is_humas_admin(request.user):
        return ""
    return render_to_string("open311/_menu.html", request=request)
