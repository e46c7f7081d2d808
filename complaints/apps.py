from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from humas import outbox

        from .intake import receipt_email_context

        outbox.register("emails/complaint_receipt", receipt_email_context)

        from humas import slots

        from . import monitoring

        slots.register("staff_home", monitoring.render_dashboard, order=10)
        slots.register("staff_menu", monitoring.render_menu, order=50)

    def seed_demo(self, *, stdout, units):
        from .demo import seed

        seed(stdout=stdout, units=units)
