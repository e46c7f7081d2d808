from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "mailing"
    verbose_name = _("Media-partner mailing list")

    def ready(self) -> None:
        """Wire the mailing list into releases (which does not import it): the publication and withdrawal
        hooks, the slots of the newsroom and the release's staff page, the outbox's confirmation e-mail and
        the ESP's bounce webhook."""
        from anymail.signals import tracking

        from humas import outbox, retention, slots
        from releases import publishing

        from . import bounces, dispatch, embargo, sections, subscriptions
        from . import retention as mailing_retention

        slots.register("staff_menu", sections.staff_menu_item, order=25)
        slots.register("newsroom_list", sections.newsroom_invitation)
        slots.register("staff_release_actions", sections.dispatch_button)
        slots.register("staff_release_forms", sections.test_mail_form)
        slots.register("staff_release_reach", sections.emailed_count)
        outbox.register(subscriptions.CONFIRM_TEMPLATE, subscriptions.confirm_email_context)
        outbox.register_stuck(
            "deliveries",
            label=_("Press releases to media partners"),
            count=dispatch.exhausted_count,
            requeue=dispatch.requeue_exhausted,
            admin_url="admin:mailing_delivery_changelist",
        )
        retention.register("subscribers", mailing_retention.purge)
        publishing.add_hook(publishing.PUBLISHED_HOOKS, "mailing.dispatch.start")
        publishing.add_hook(publishing.WITHDRAWN_HOOKS, "mailing.dispatch.withdrawn")
        publishing.add_hook(publishing.EMBARGO_HOOKS, "mailing.embargo.start")
        publishing.add_hook(publishing.EMBARGO_CHANGED_HOOKS, "mailing.embargo.changed")
        outbox.register(embargo.NOTICE_TEMPLATE, embargo.notice_context)
        tracking.connect(bounces.on_tracking, dispatch_uid="mailing.bounces.on_tracking")

    def seed_demo(self, *, stdout, units) -> None:
        from .demo import seed

        seed(stdout=stdout)
