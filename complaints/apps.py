from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import retention as complaint_retention
        from complaints.handling import clarifications, digest, duplicates
        from complaints.handling import views as handling_views
        from complaints.public.intake import receipt_email_context, update_email_context
        from complaints.reporting import trends
        from complaints.reporting import views as reporting_views
        from humas import clarifications as interface
        from humas import outbox, retention, slots

        retention.register("complaints", complaint_retention.purge)
        outbox.register("emails/complaint_receipt", receipt_email_context)
        outbox.register("emails/complaint_update", update_email_context)
        outbox.register(digest.TEMPLATE, digest.digest_context)
        outbox.register(duplicates.TEMPLATE, duplicates.answer_email_context)
        outbox.register(clarifications.TEMPLATE, clarifications.email_context)
        interface.on_published(clarifications.release_published)
        interface.provide_linker(clarifications.link_topic)
        slots.register("staff_release_forms", handling_views.release_clarifications_section, order=50)
        slots.register("staff_menu", staff_menu_entry, order=10)
        slots.register("staff_menu", reporting_views.render_menu, order=50)
        slots.register("staff_home", reporting_views.render_dashboard, order=10)
        slots.register("staff_home", trends.render_trends, order=20)

    def seed_demo(self, *, stdout, units):
        from complaints.demo import seed

        seed(stdout=stdout, units=units)


def staff_menu_entry(request, **context):
    from django.template.loader import render_to_string

    from humas import access

    if not access.has_any(request.user, "complaint.view"):
        return ""
    may_handle = access.has_any(request.user, "complaint.handle")
    return render_to_string("complaints/staff/_menu.html", {"may_handle": may_handle}, request=request)
