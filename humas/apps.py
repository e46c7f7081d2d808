from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HumasConfig(AppConfig):
    name = "humas"
    verbose_name = _("Humas core")

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache-invalidation receivers)
