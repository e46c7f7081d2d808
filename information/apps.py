from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InformationConfig(AppConfig):
    name = "information"
    verbose_name = _("Public information (PPID)")

    def ready(self):
        from humas import outbox, retention, slots
        from information import notify
        from information import retention as information_retention

        for template, builder in notify.BUILDERS.items():
            outbox.register(template, builder)
        retention.register("information", information_retention.purge)
        slots.register("staff_menu", staff_menu_entry, order=20)
        slots.register("staff_home", render_home_slot, order=30)

    def seed_demo(self, *, stdout, units):
        from information.demo import seed

        seed(stdout=stdout, units=units)


def staff_menu_entry(request, **context):
    from django.template.loader import render_to_string

    from humas import access

    if not (access.has_any(request.user, "information.view") or access.has_any(request.user, "information.list")):
        return ""
    return render_to_string("information/staff/_menu.html", request=request)


def render_home_slot(request, **context):
    from information.handling.views import render_home

    return render_home(request, **context)
