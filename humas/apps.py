from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HumasConfig(AppConfig):
    name = "humas"
    verbose_name = _("Humas core")

    def ready(self):
        from . import outbox, passwords, signals  # noqa: F401  (signals connects the cache-invalidation receivers)

        outbox.register(passwords.TEMPLATE, passwords.reset_email_context)
