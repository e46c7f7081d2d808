from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HumasConfig(AppConfig):
    name = "humas"
    verbose_name = _("Humas core")

    def ready(self):
        from . import outbox, passwords, retention, signals  # noqa: F401  (signals: the cache-invalidation receivers)

        retention.register("outbox", retention.purge_outbox)
        outbox.register_stuck(
            "outbox",
            label=_("E-mails to citizens, journalists and staff (receipts, notifications, confirmations)"),
            count=outbox.failed_count,
            requeue=outbox.requeue_failed,
            admin_url="admin:humas_outboxemail_changelist",
        )
        outbox.register(passwords.TEMPLATE, passwords.reset_email_context)
